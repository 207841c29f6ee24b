// How the API server opens a connection to a kubelet's port 10250, for pods/log and for the
// streams (pods/exec, pods/attach, pods/portforward) it passes on. In a cluster over TLS it is
// kube-apiserver's --kubelet-client-certificate and --kubelet-client-key (it shows itself as
// kube-apiserver-kubelet-client) and --kubelet-certificate-authority (the node's serving
// certificate is checked against it; without it, as kube without the flag, it is not checked).
// Otherwise a plain TCP connection, as the early chapters' kubelets serve HTTP.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/** Opens a connection to the kubelet at host:port; resolves once it can carry a request. */
export type KubeletDial = (host: string, port: number) => Promise<Duplex>;

/** The API server's credentials for kubelets, PEM. */
export interface KubeletClientCredentials {
  cert: string;
  key: string;
  /** --kubelet-certificate-authority: check the kubelet's serving certificate with it. */
  ca?: string;
}

/** A plain TCP connection. */
export const plainKubeletDial: KubeletDial = (host, port) =>
  new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });

/** A TLS connection with the API server's client certificate. */
export function tlsKubeletDial(credentials: KubeletClientCredentials): KubeletDial {
  return (host, port) =>
    new Promise((resolve, reject) => {
      const socket = tls.connect({
        host,
        port,
        cert: credentials.cert,
        key: credentials.key,
        ...(credentials.ca ? { ca: credentials.ca } : { rejectUnauthorized: false }),
        // A kubelet is reached by its IP: no server name to send (SNI takes host names only).
        ...(net.isIP(host) ? {} : { servername: host }),
      });
      socket.once('secureConnect', () => resolve(socket));
      socket.once('error', reject);
    });
}

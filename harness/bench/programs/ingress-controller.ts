// The ingress controller of the ingress benchmark (../ingress.ts), in a process of its own as the
// real one is: chapter 15b's reference controller against the API server at argv[2], serving HTTP
// on a free loopback port, which it prints as JSON on stdout; then it serves until killed.
import { selfSignedRsaCertificate } from '../../api/certificates.ts';
import { loadReference } from '../../components/implementation.ts';
import { toolkit } from '../../components/reference-toolkit.ts';

const [server = 'http://127.0.0.1:6443'] = process.argv.slice(2);
const { startIngressController } = await loadReference('15b', 'controller.ts');
const controller = await startIngressController({
  toolkit,
  client: toolkit.createClient({ server }),
  controller: 'kubekata.dev/ingress',
  http: { host: '127.0.0.1', port: 0 },
  https: { host: '127.0.0.1', port: 0 },
  defaultCertificate: await selfSignedRsaCertificate(
    'Kubernetes Ingress Controller Fake Certificate',
  ),
});
console.log(JSON.stringify({ http: controller.httpUrl }));

// The cloud benchmark's load balancer, in a process of its own as the kata cloud runs it (inside
// the cloud-controller-manager): chapter 15a's TcpLoadBalancer (the reference) on the address it is
// given, in front of one backend. It prints its port as JSON on stdout, then serves until killed.
import { loadReference } from '../../components/implementation.ts';

const [address = '127.50.98.1', backendHost = '127.244.98.2', backendPort = '0'] =
  process.argv.slice(2);
const { TcpLoadBalancer } = await loadReference('15a', 'load-balancer.ts');
const balancer = new TcpLoadBalancer({
  host: address,
  port: 0,
  backends: [{ host: backendHost, port: Number(backendPort) }],
});
await balancer.start();
console.log(JSON.stringify({ port: balancer.port() }));

// A yardstick for the DNS benchmark: a bare UDP echo in a process of its own, sending each
// datagram back as it came. Nothing a DNS server could do costs less per question; what the DNS
// server achieves beside it, in the same run, is its own cost. Prints its port, then serves.
import { createSocket } from 'node:dgram';

const socket = createSocket('udp4');
socket.on('message', (message, from) => socket.send(message, from.port, from.address));
socket.bind(0, '127.0.0.1', () => console.log(JSON.stringify(socket.address().port)));

// A small SMTP server for the end-to-end tests. It speaks SMTP over TCP on SMTP_PORT, keeps the
// messages it receives in memory, and shows them as JSON on HTTP_PORT:
//   GET /messages          every message: { to, subject, messageId, text, html }
//   GET /healthz           "ok"
// Only what a test needs of MIME is decoded: multipart/alternative with quoted-printable or
// base64 parts.
import net from 'node:net';
import http from 'node:http';

const SMTP_PORT = Number(process.env.SMTP_PORT ?? 2526);
const HTTP_PORT = Number(process.env.HTTP_PORT ?? 2580);
const messages = [];

function headerOf(head, name) {
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(name.toLowerCase() + ':'));
  return line ? line.slice(name.length + 1).trim() : undefined;
}

function decode(body, encoding) {
  switch ((encoding ?? '').toLowerCase()) {
    case 'quoted-printable':
      return Buffer.from(
        body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      ).toString('utf8');
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

function parts(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const type = headerOf(head, 'Content-Type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type);
  if (boundary) {
    return body
      .split('--' + boundary[1])
      .slice(1)
      .filter((p) => !p.startsWith('--'))
      .flatMap((p) => parts(p.replace(/^\r?\n/, '')));
  }
  return [{ type, body: decode(body, headerOf(head, 'Content-Transfer-Encoding')) }];
}

function store(to, data) {
  const split = data.search(/\r?\n\r?\n/);
  const head = data.slice(0, split);
  const all = parts(data);
  messages.push({
    to,
    subject: headerOf(head, 'Subject'),
    messageId: headerOf(head, 'Message-ID'),
    text: all.find((p) => p.type.startsWith('text/plain'))?.body ?? '',
    html: all.find((p) => p.type.startsWith('text/html'))?.body ?? '',
  });
}

net
  .createServer((socket) => {
    let buffer = '';
    let inData = false;
    let data = [];
    let to = [];
    socket.write('220 sink.test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            store(to, Buffer.from(data.join('\r\n'), 'latin1').toString('latin1'));
            data = [];
            socket.write('250 OK queued\r\n');
          } else {
            data.push(line.startsWith('.') ? line.slice(1) : line);
          }
          continue;
        }
        const command = line.toUpperCase();
        if (command.startsWith('EHLO')) socket.write('250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
        else if (command.startsWith('HELO')) socket.write('250 sink.test\r\n');
        else if (command.startsWith('MAIL FROM:')) {
          to = [];
          socket.write('250 OK\r\n');
        } else if (command.startsWith('RCPT TO:')) {
          to.push(line.slice(8).trim().replace(/^<|>$/g, ''));
          socket.write('250 OK\r\n');
        } else if (command === 'DATA') {
          inData = true;
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (command === 'QUIT') {
          socket.end('221 Bye\r\n');
        } else if (command === 'RSET' || command === 'NOOP') socket.write('250 OK\r\n');
        else socket.write('502 Command not implemented\r\n');
      }
    });
    socket.on('error', () => {});
  })
  .listen(SMTP_PORT, '127.0.0.1');

http
  .createServer((req, res) => {
    if (req.url === '/messages') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(messages));
    } else if (req.url === '/healthz') {
      res.end('ok');
    } else {
      res.writeHead(404);
      res.end();
    }
  })
  .listen(HTTP_PORT, '127.0.0.1');

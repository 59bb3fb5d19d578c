//! A small SMTP server for tests and benchmarks: it speaks real SMTP over TCP on a loopback
//! port, keeps what it receives, and can be told to refuse recipients (550) or to be down
//! and come up again. A down sink keeps its port (so no other test can take it meanwhile) and
//! cuts every connection at once, which a client sees as it sees a server that is not there.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::{AbortHandle, JoinHandle};

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_lowercase());
        self.data
            .lines()
            .take_while(|l| !l.is_empty())
            .find(|l| l.to_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_string())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// Answers `550` to every recipient: a permanent failure.
    RejectRecipients,
    /// Closes every open session and every new connection at once, before the greeting.
    Down,
}

pub struct SmtpSink {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    mode: Arc<Mutex<Mode>>,
    sessions: Arc<Mutex<Vec<AbortHandle>>>,
    delay: Arc<Mutex<std::time::Duration>>,
    task: Option<JoinHandle<()>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        Self::start_on("127.0.0.1:0".parse().unwrap()).await
    }

    /// A sink that is down from the start: `come_up` when the test wants it.
    pub async fn start_down() -> SmtpSink {
        let sink = Self::start().await;
        sink.go_down();
        sink
    }

    pub async fn start_on(addr: SocketAddr) -> SmtpSink {
        let listener = TcpListener::bind(addr).await.expect("sink binds");
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let mode = Arc::new(Mutex::new(Mode::Accept));
        let sessions = Arc::new(Mutex::new(Vec::new()));
        let delay = Arc::new(Mutex::new(std::time::Duration::ZERO));
        let task = tokio::spawn(serve(listener, received.clone(), mode.clone(), sessions.clone(), delay.clone()));
        SmtpSink { addr, received, mode, sessions, delay, task: Some(task) }
    }

    /// A slow server: each mail is answered this long after its data has arrived (it is kept
    /// first), so a client can be stopped between the send and the answer.
    pub fn set_delay(&self, delay: std::time::Duration) {
        *self.delay.lock().unwrap() = delay;
    }

    /// An outage: open sessions are cut wherever they are, new connections are closed at once.
    pub fn go_down(&self) {
        // Under the sessions' lock, so that no session starts between the switch and the cut.
        let mut open = self.sessions.lock().unwrap();
        self.set_mode(Mode::Down);
        for session in open.drain(..) {
            session.abort();
        }
    }

    pub fn come_up(&self) {
        self.set_mode(Mode::Accept);
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    pub fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn serve(
    listener: TcpListener,
    received: Arc<Mutex<Vec<Received>>>,
    mode: Arc<Mutex<Mode>>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
    delay: Arc<Mutex<std::time::Duration>>,
) {
    let mut sessions = tokio::task::JoinSet::new();
    loop {
        let Ok((socket, _)) = listener.accept().await else { continue };
        // Ended sessions are reaped here so the set does not grow through a long test.
        while sessions.try_join_next().is_some() {}
        let mut open = open.lock().unwrap();
        if *mode.lock().unwrap() == Mode::Down {
            drop(socket);
            continue;
        }
        let (received, mode, delay) = (received.clone(), mode.clone(), delay.clone());
        let handle = sessions.spawn(async move {
            let _ = session(socket, received, mode, delay).await;
        });
        open.retain(|h| !h.is_finished());
        open.push(handle);
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    received: Arc<Mutex<Vec<Received>>>,
    mode: Arc<Mutex<Mode>>,
    delay: Arc<Mutex<std::time::Duration>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let upper = command.to_uppercase();
        if upper.starts_with("EHLO") {
            write.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n").await?;
        } else if upper.starts_with("HELO") {
            write.write_all(b"250 sink.test\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = command[10..].trim().to_string();
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            if *mode.lock().unwrap() == Mode::RejectRecipients {
                write.write_all(b"550 5.1.1 No such user here\r\n").await?;
            } else {
                to.push(command[8..].trim().to_string());
                write.write_all(b"250 OK\r\n").await?;
            }
        } else if upper == "DATA" {
            write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let text = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(&text.replace("\r\n", "\n"));
            }
            received.lock().unwrap().push(Received { from: from.clone(), to: to.clone(), data });
            let delay = *delay.lock().unwrap();
            tokio::time::sleep(delay).await;
            write.write_all(b"250 OK queued\r\n").await?;
        } else if upper == "RSET" || upper == "NOOP" {
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
}

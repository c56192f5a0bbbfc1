//! A real SMTP server on loopback (mailin-embedded) that keeps every message it receives, and can
//! refuse a recipient or hold a message's end of data until the test lets it go.

use std::net::TcpListener;
use std::sync::{Arc, Condvar, Mutex};

use mailin_embedded::response::{self, Response};
use mailin_embedded::{Handler, Server, SslConfig};

pub type Received = Arc<Mutex<Vec<String>>>;

/// Holds the server's answer to the end of the first message's data until [`Gate::open`].
#[derive(Clone, Default)]
pub struct Gate {
    state: Arc<(Mutex<(bool, bool)>, Condvar)>,
}

impl Gate {
    /// Lets the held message (and every later one) through.
    pub fn open(&self) {
        let (lock, cv) = &*self.state;
        lock.lock().unwrap().1 = true;
        cv.notify_all();
    }

    /// Whether a message is being held now.
    pub fn holding(&self) -> bool {
        let (lock, _) = &*self.state;
        let s = lock.lock().unwrap();
        s.0 && !s.1
    }

    fn wait(&self) {
        let (lock, cv) = &*self.state;
        let mut s = lock.lock().unwrap();
        s.0 = true;
        while !s.1 {
            s = cv.wait(s).unwrap();
        }
    }
}

#[derive(Clone, Default)]
struct Inbox {
    received: Received,
    current: Vec<u8>,
    /// Recipients this server refuses with 550 (a permanent failure).
    refuse: Option<String>,
    gate: Option<Gate>,
}

impl Handler for Inbox {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.refuse.as_deref() == Some(to) { response::NO_MAILBOX } else { response::OK }
    }
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, _to: &[String]) -> Response {
        self.current.clear();
        response::OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        if let Some(gate) = &self.gate {
            gate.wait();
        }
        let msg = String::from_utf8_lossy(&self.current).to_string();
        self.received.lock().unwrap().push(msg);
        response::OK
    }
}

fn serve(inbox: Inbox, listener: TcpListener) -> Received {
    let received = inbox.received.clone();
    let mut server = Server::new(inbox);
    server.with_name("smtp.test").with_ssl(SslConfig::None).unwrap().with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    received
}

pub fn smtp_server(listener: TcpListener) -> Received {
    serve(Inbox::default(), listener)
}

pub fn smtp_server_refusing(listener: TcpListener, refuse: Option<&str>) -> Received {
    serve(Inbox { refuse: refuse.map(str::to_string), ..Default::default() }, listener)
}

/// A server that holds the end of every message's data until the gate opens.
pub fn smtp_server_held(listener: TcpListener, gate: Gate) -> Received {
    serve(Inbox { gate: Some(gate), ..Default::default() }, listener)
}

/// A message as received: its headers and decoded parts.
pub struct Mail {
    pub raw: String,
    pub headers: Vec<(String, String)>,
    /// Every leaf part: (content type, decoded body).
    pub parts: Vec<(String, Vec<u8>)>,
}

impl Mail {
    pub fn parse(raw: &str) -> Mail {
        let parsed = mailparse::parse_mail(raw.as_bytes()).expect("a well-formed message");
        let headers = parsed.headers.iter().map(|h| (h.get_key(), h.get_value())).collect();
        let mut parts = Vec::new();
        fn leaves(p: &mailparse::ParsedMail, out: &mut Vec<(String, Vec<u8>)>) {
            if p.subparts.is_empty() {
                out.push((p.ctype.mimetype.clone(), p.get_body_raw().unwrap()));
            } else {
                for s in &p.subparts {
                    leaves(s, out);
                }
            }
        }
        leaves(&parsed, &mut parts);
        Mail { raw: raw.to_string(), headers, parts }
    }

    /// The value of a header (decoded), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn part(&self, mimetype: &str) -> Option<String> {
        self.parts.iter().find(|(t, _)| t == mimetype).map(|(_, b)| String::from_utf8_lossy(b).to_string())
    }

    pub fn text(&self) -> String {
        self.part("text/plain").expect("a plain-text part")
    }

    pub fn html(&self) -> String {
        self.part("text/html").expect("an HTML part")
    }
}

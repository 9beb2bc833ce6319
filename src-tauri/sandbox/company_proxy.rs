//! A company's web proxy, as the guide's playground plays it: an HTTP proxy on loopback that
//! opens tunnels (`CONNECT`) to the sandbox's workspace and refuses those to its apps' domain
//! with a block page, as a company's web filter does when `*.databricksapps.com` is not on
//! its allow list (Databricks' page: "the `*.databricksapps.com` domain is reachable from
//! your network … check whether your organisation uses a proxy that needs configuration").
//! This is not Databricks' behaviour but a company's: its words are the sandbox's own.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The sandbox apps' domain, which this proxy blocks.
const BLOCKED: &str = ".apps.localhost";

/// The longest request head the proxy reads, and how long it waits for it.
const MAX_HEAD: usize = 8 * 1024;
const HEAD_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// Connections served at once.
const MAX_CONNECTIONS: usize = 64;

/// A running company proxy; dropping it stops it.
pub struct CompanyProxy {
    /// `http://127.0.0.1:<port>`, for Settings → Network.
    pub url: String,
    task: JoinHandle<()>,
}

impl Drop for CompanyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CompanyProxy {
    /// Starts the proxy on a free loopback port, for the sandbox listening on
    /// `sandbox_port` (the only place it tunnels to).
    pub async fn start(sandbox_port: u16) -> std::io::Result<CompanyProxy> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    continue; // Busy: the connection is closed unanswered.
                };
                tokio::spawn(async move {
                    serve(client, sandbox_port).await;
                    drop(slot);
                });
            }
        });
        Ok(CompanyProxy { url, task })
    }
}

/// The block page a company's filter shows for a domain not on its allow list.
fn blocked(target: &str) -> Vec<u8> {
    let host: String = target
        .rsplit_once(':')
        .map_or(target, |(h, _)| h)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || ".-".contains(*c))
        .collect();
    let body = format!(
        "<!doctype html><html><head><title>Access blocked by your company's web filter</title></head>\
         <body><h1>Access blocked by your company's web filter</h1>\
         <p>The site {host} is not on the list of sites this network allows. \
         If you need it for your work, ask your IT department to allow it.</p></body></html>"
    );
    format!(
        "HTTP/1.1 403 Forbidden\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn serve(mut client: TcpStream, sandbox_port: u16) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match tokio::time::timeout(HEAD_WAIT, client.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return,
            Ok(Ok(n)) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > MAX_HEAD {
            let _ = client
                .write_all(
                    b"HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n",
                )
                .await;
            return;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut first = text.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (first.next().unwrap_or(""), first.next().unwrap_or(""));
    if !method.eq_ignore_ascii_case("CONNECT") {
        let _ = client
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\n\r\n")
            .await;
        return;
    }
    let host = target
        .rsplit_once(':')
        .map_or(target, |(h, _)| h)
        .to_ascii_lowercase();
    if host.ends_with(BLOCKED) {
        let _ = client.write_all(&blocked(target)).await;
        return;
    }
    // The sandbox's workspace is let through; the proxy reaches nothing else.
    let port = target
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u16>().ok());
    let (true, Some(port)) = (
        (host == "localhost" || host == "127.0.0.1") && port == Some(sandbox_port),
        port,
    ) else {
        let _ = client.write_all(&blocked(target)).await;
        return;
    };
    let Ok(mut upstream) = TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).await
    else {
        let _ = client
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n")
            .await;
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await
        .is_err()
    {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

//! The JobManager's status endpoint: every HTTP request on its port gets the current
//! status document as JSON (`GET /` or any path; one response per connection).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The most request bytes read before answering (the request itself is not needed).
const REQUEST_LIMIT: usize = 8192;

/// Answers every connection on `listener` with `document()`.
pub(super) async fn serve_json(listener: TcpListener, document: impl Fn() -> String + Send + Sync + 'static) {
    let document = std::sync::Arc::new(document);
    loop {
        let Ok((mut stream, peer)) = listener.accept().await else { continue };
        let document = std::sync::Arc::clone(&document);
        tokio::spawn(async move {
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            // Read the request head (up to the blank line), then answer.
            while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < REQUEST_LIMIT {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let body = document();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            if let Err(e) =
                stream.write_all(head.as_bytes()).await.and(stream.write_all(body.as_bytes()).await)
            {
                tracing::debug!(%peer, error = %e, "status request not answered");
            }
            let _ = stream.shutdown().await;
        });
    }
}

//! One WebSocket connection after the handshake: reads frames (tungstenite enforces AWS's
//! 32 KB frame and 128 KB message quotas as it parses, and the core decides what an oversize
//! message means), hands each message or close to the core, and writes what the core queued.

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::CapacityError;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error, Message};

use super::{Outgoing, WsShared};
use crate::gateway::core::ws::{CloseCause, Inbound, MAX_FRAME_BYTES, MAX_MESSAGE_BYTES};

/// How long a close frame may take to go out before the socket is simply dropped.
const CLOSE_WRITE: Duration = Duration::from_secs(2);

fn tell_core(shared: &WsShared, id: &str, cause: CloseCause) {
    shared.with_core(|gw, now| ((), gw.close(id, &cause, now).into_iter().collect()));
}

/// The upgrade never completed: the connection the core admitted is gone.
pub(super) fn lost(shared: &WsShared, id: &str) {
    shared.sockets.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
    tell_core(shared, id, CloseCause::Client { code: None, reason: "the upgrade did not complete".to_owned() });
}

fn close_message(code: u16, reason: String) -> Message {
    // A close frame's reason is at most 123 bytes; cut on a character boundary.
    let mut reason = reason;
    while reason.len() > 123 {
        reason.pop();
    }
    Message::Close(Some(CloseFrame { code: code.into(), reason: reason.into() }))
}

/// Sends a server-initiated close frame, then reads and discards what the client still sends
/// (the rest of an oversized frame, its own close frame) for a moment: closing a socket with
/// unread input makes the kernel send a reset, which can destroy the close frame in flight.
async fn close_with<S>(ws: &mut WebSocketStream<S>, code: u16, reason: String)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let _ = tokio::time::timeout(CLOSE_WRITE, ws.send(close_message(code, reason))).await;
    let drain = async {
        let mut buf = vec![0u8; 16 * 1024];
        let mut total = 0usize;
        while total < MAX_DRAIN {
            match tokio::io::AsyncReadExt::read(ws.get_mut(), &mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => total += n,
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_WRITE, drain).await;
}

/// The most a closing connection's leftover input is read for.
const MAX_DRAIN: usize = 1024 * 1024;

pub(super) async fn run<S>(
    shared: Arc<WsShared>,
    id: String,
    io: S,
    mut rx: mpsc::Receiver<Outgoing>,
    mut closing: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let config =
        WebSocketConfig::default().max_frame_size(Some(MAX_FRAME_BYTES)).max_message_size(Some(MAX_MESSAGE_BYTES));
    let mut ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
    loop {
        tokio::select! {
            incoming = ws.next() => {
                let inbound = match incoming {
                    Some(Ok(Message::Text(t))) => Inbound {
                        body: t.to_string(),
                        is_base64: false,
                        size: t.len(),
                        // tungstenite already refused any frame over the quota, so a longer
                        // message came in several frames.
                        largest_frame: t.len().min(MAX_FRAME_BYTES),
                    },
                    Some(Ok(Message::Binary(b))) => Inbound {
                        body: base64::engine::general_purpose::STANDARD.encode(&b),
                        is_base64: true,
                        size: b.len(),
                        largest_frame: b.len().min(MAX_FRAME_BYTES),
                    },
                    Some(Ok(Message::Close(frame))) => {
                        let (code, reason) = frame.map_or((None, String::new()), |f| (Some(u16::from(f.code)), f.reason.to_string()));
                        tell_core(&shared, &id, CloseCause::Client { code, reason });
                        // tungstenite answers the close; let it go out, then stop.
                        let _ = tokio::time::timeout(CLOSE_WRITE, ws.close(None)).await;
                        break;
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(Error::Capacity(CapacityError::MessageTooLong { size, max_size }))) => {
                        // The core judges the size (a frame over 32 KB or a message over 128 KB)
                        // and queues the close it decides on; tungstenite cannot read on after
                        // this error, so carry that close out now.
                        let frame = if max_size == MAX_FRAME_BYTES { size } else { MAX_FRAME_BYTES };
                        let too_big = Inbound { body: String::new(), is_base64: false, size, largest_frame: frame };
                        shared.with_core(|gw, now| ((), vec![gw.message(&id, &too_big, now)]));
                        let (code, reason) = match rx.try_recv() {
                            Ok(Outgoing::Close(code, reason)) => (code, reason),
                            _ => (1009, "Message too big".to_owned()),
                        };
                        close_with(&mut ws, code, reason).await;
                        break;
                    }
                    Some(Err(e)) => {
                        let code = if matches!(e, Error::Utf8(_)) { 1007 } else { 1002 };
                        let reason = format!("protocol error: {e}");
                        tell_core(&shared, &id, CloseCause::Server { code, reason: reason.clone() });
                        close_with(&mut ws, code, reason).await;
                        break;
                    }
                    None => {
                        tell_core(&shared, &id, CloseCause::Client { code: None, reason: "the TCP connection ended without a close frame".to_owned() });
                        break;
                    }
                };
                shared.with_core(|gw, now| ((), vec![gw.message(&id, &inbound, now)]));
            }
            out = rx.recv() => match out {
                Some(Outgoing::Text(t)) => {
                    if let Err(e) = ws.send(Message::text(t)).await {
                        if matches!(e, Error::Capacity(_)) {
                            continue;
                        }
                        // A write that timed out: the client stopped reading.
                        tell_core(&shared, &id, CloseCause::Server { code: 1006, reason: format!("the write failed: {e}") });
                        break;
                    }
                }
                Some(Outgoing::Close(code, reason)) => {
                    close_with(&mut ws, code, reason).await;
                    break;
                }
                None => {
                    // The shell dropped this queue: the client stopped reading (already told
                    // to the core).
                    close_with(&mut ws, 1008, "not reading".to_owned()).await;
                    break;
                }
            },
            _ = closing.changed() => {
                tell_core(&shared, &id, CloseCause::Server { code: 1001, reason: "the server is stopping".to_owned() });
                close_with(&mut ws, 1001, "the server is stopping".to_owned()).await;
                break;
            }
        }
    }
    shared.sockets.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
}

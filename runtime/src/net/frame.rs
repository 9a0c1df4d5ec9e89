//! The data plane's wire format: length-prefixed binary frames.
//!
//! Every frame is a fixed [`HEADER_LEN`]-byte header followed by `payload_len` bytes of
//! payload. All integers are big-endian.
//!
//! | offset | size | field |
//! |-------:|-----:|-------|
//! | 0  | 4 | magic, [`MAGIC`] (`b"EDDY"`) |
//! | 4  | 1 | version, [`VERSION`] |
//! | 5  | 1 | kind ([`FrameKind`]): 1 Hello, 2 Data, 3 Abort, 4 Finished, 5 Welcome |
//! | 6  | 1 | flags: bit 0 = last chunk of a batch ([`FLAG_LAST`], Data only); other bits 0 |
//! | 7  | 1 | reserved, 0 |
//! | 8  | 8 | job id |
//! | 16 | 4 | from worker |
//! | 20 | 4 | to worker |
//! | 24 | 8 | exchange sequence number (Data); the server's payload limit (Welcome); else 0 |
//! | 32 | 4 | payload length, at most the receiver's limit (≤ [`MAX_FRAME_PAYLOAD`]) |
//! | 36 | n | payload |
//!
//! A connection carries one direction of one (job, from worker, to worker) pair: it opens
//! with `Hello` (payload: the cluster secret), the server answers `Welcome` (or an `Abort`
//! frame whose payload is the reason it refuses, then closes), and then the sender writes
//! the `Data` frames of exchange 0, 1, 2, …, each batch split into chunks of at most the
//! payload limit with [`FLAG_LAST`] on its last chunk (an empty batch is one empty last
//! chunk), and ends with `Finished` or `Abort` (payload: the reason, UTF-8).
//!
//! **Note**: [`FrameHeader::decode`] checks everything it can see in a header — magic,
//! version, kind, flags, reserved byte and the length limit — *before* the payload is
//! read, so a hostile length never makes the receiver allocate; whether the frame fits
//! the connection's state (handshake first, same job and workers, sequence numbers in
//! order) is the server's check.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The first four bytes of every frame.
pub const MAGIC: [u8; 4] = *b"EDDY";

/// The protocol version this build speaks.
pub const VERSION: u8 = 1;

/// The length of a frame header in bytes.
pub const HEADER_LEN: usize = 36;

/// The largest payload limit any process may configure (64 MiB): larger batches are
/// always split into several `Data` frames.
pub const MAX_FRAME_PAYLOAD: usize = 64 << 20;

/// The smallest payload limit a process may configure.
pub const MIN_FRAME_PAYLOAD: usize = 64;

/// Flag bit of a `Data` frame that carries the last chunk of a batch.
pub const FLAG_LAST: u8 = 1;

/// What a frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// First frame of a connection; the payload is the cluster secret.
    Hello = 1,
    /// One chunk of an encoded batch.
    Data = 2,
    /// The sending worker failed (payload: the reason); also the server's refusal of a
    /// handshake (payload: why).
    Abort = 3,
    /// The sending worker finished its job; nothing follows.
    Finished = 4,
    /// The server's answer to an accepted `Hello`; the sequence field carries the
    /// server's payload limit.
    Welcome = 5,
}

impl FrameKind {
    fn from_byte(byte: u8) -> Option<FrameKind> {
        Some(match byte {
            1 => FrameKind::Hello,
            2 => FrameKind::Data,
            3 => FrameKind::Abort,
            4 => FrameKind::Finished,
            5 => FrameKind::Welcome,
            _ => return None,
        })
    }
}

/// A decoded frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// What the frame is.
    pub kind: FrameKind,
    /// Flag bits ([`FLAG_LAST`]).
    pub flags: u8,
    /// The job the frame belongs to.
    pub job: u64,
    /// The sending worker.
    pub from: u32,
    /// The receiving worker.
    pub to: u32,
    /// The exchange sequence number (`Data`), or the payload limit (`Welcome`).
    pub seq: u64,
    /// The number of payload bytes that follow the header.
    pub payload_len: u32,
}

/// Why bytes are not a valid frame.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The first four bytes are not [`MAGIC`].
    #[error("bad magic {0:02x?} (not an eddy data connection)")]
    BadMagic([u8; 4]),
    /// A protocol version this build does not speak.
    #[error("unsupported protocol version {0} (this build speaks {VERSION})")]
    UnsupportedVersion(u8),
    /// An unknown frame kind.
    #[error("unknown frame kind {0}")]
    UnknownKind(u8),
    /// Flag bits or the reserved byte are set where they must be zero.
    #[error("invalid flags {flags:#04x} / reserved byte {reserved:#04x} on a {kind:?} frame")]
    BadFlags {
        /// The frame's kind.
        kind: FrameKind,
        /// The flags byte.
        flags: u8,
        /// The reserved byte.
        reserved: u8,
    },
    /// The payload length exceeds the receiver's limit.
    #[error("payload length {len} exceeds the limit of {limit} bytes")]
    TooLong {
        /// The announced length.
        len: u32,
        /// The receiver's limit.
        limit: usize,
    },
    /// The connection ended in the middle of a frame.
    #[error("connection closed in the middle of a frame ({got} of {expected} bytes)")]
    Truncated {
        /// How many bytes the frame (or its header) needed.
        expected: usize,
        /// How many arrived.
        got: usize,
    },
    /// The socket failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl FrameHeader {
    /// A header of `kind` with the flags, sequence number and length left at zero.
    pub fn new(kind: FrameKind, job: u64, from: u32, to: u32) -> Self {
        FrameHeader { kind, flags: 0, job, from, to, seq: 0, payload_len: 0 }
    }

    /// The header's bytes.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut bytes = [0u8; HEADER_LEN];
        bytes[0..4].copy_from_slice(&MAGIC);
        bytes[4] = VERSION;
        bytes[5] = self.kind as u8;
        bytes[6] = self.flags;
        bytes[8..16].copy_from_slice(&self.job.to_be_bytes());
        bytes[16..20].copy_from_slice(&self.from.to_be_bytes());
        bytes[20..24].copy_from_slice(&self.to.to_be_bytes());
        bytes[24..32].copy_from_slice(&self.seq.to_be_bytes());
        bytes[32..36].copy_from_slice(&self.payload_len.to_be_bytes());
        bytes
    }

    /// Parses and checks a header; `limit` is the largest payload the receiver accepts.
    ///
    /// # Errors
    /// A bad magic, version, kind, flags or reserved byte, or a length over `limit`.
    pub fn decode(bytes: &[u8; HEADER_LEN], limit: usize) -> Result<Self, FrameError> {
        let magic = [bytes[0], bytes[1], bytes[2], bytes[3]];
        if magic != MAGIC {
            return Err(FrameError::BadMagic(magic));
        }
        if bytes[4] != VERSION {
            return Err(FrameError::UnsupportedVersion(bytes[4]));
        }
        let kind = FrameKind::from_byte(bytes[5]).ok_or(FrameError::UnknownKind(bytes[5]))?;
        let (flags, reserved) = (bytes[6], bytes[7]);
        let allowed = if kind == FrameKind::Data { FLAG_LAST } else { 0 };
        if flags & !allowed != 0 || reserved != 0 {
            return Err(FrameError::BadFlags { kind, flags, reserved });
        }
        let u32_at = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let u64_at = |at: usize| (u64::from(u32_at(at)) << 32) | u64::from(u32_at(at + 4));
        let payload_len = u32_at(32);
        if payload_len as usize > limit {
            return Err(FrameError::TooLong { len: payload_len, limit });
        }
        Ok(FrameHeader {
            kind,
            flags,
            job: u64_at(8),
            from: u32_at(16),
            to: u32_at(20),
            seq: u64_at(24),
            payload_len,
        })
    }

    /// True for the last chunk of a batch.
    pub fn is_last(&self) -> bool {
        self.flags & FLAG_LAST != 0
    }
}

/// Reads one frame: `Ok(None)` at a clean end of stream (between frames).
///
/// # Errors
/// An invalid header, a payload over `limit`, an end of stream inside a frame, or a
/// socket error.
pub async fn read_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
    limit: usize,
) -> Result<Option<(FrameHeader, Vec<u8>)>, FrameError> {
    let mut header = [0u8; HEADER_LEN];
    let got = read_full(reader, &mut header).await?;
    if got == 0 {
        return Ok(None);
    }
    if got < HEADER_LEN {
        return Err(FrameError::Truncated { expected: HEADER_LEN, got });
    }
    let header = FrameHeader::decode(&header, limit)?;
    let mut payload = vec![0u8; header.payload_len as usize];
    let got = read_full(reader, &mut payload).await?;
    if got < payload.len() {
        return Err(FrameError::Truncated { expected: HEADER_LEN + payload.len(), got: HEADER_LEN + got });
    }
    Ok(Some((header, payload)))
}

/// Fills `buf` as far as the stream allows; returns how many bytes were read (less than
/// `buf.len()` only at the end of the stream).
async fn read_full<R: AsyncRead + Unpin>(reader: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]).await? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Writes one frame; the header's `payload_len` is set from `payload`.
///
/// # Errors
/// A socket error; a payload longer than `u32::MAX` bytes (`InvalidInput`).
pub async fn write_frame<W: AsyncWrite + Unpin>(
    writer: &mut W,
    mut header: FrameHeader,
    payload: &[u8],
) -> std::io::Result<()> {
    header.payload_len = u32::try_from(payload.len())
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "frame payload over 4 GiB"))?;
    let head = header.encode();
    // Small frames go out in one write (one segment); large ones avoid the copy.
    if payload.len() <= 16 << 10 {
        let mut frame = Vec::with_capacity(HEADER_LEN + payload.len());
        frame.extend_from_slice(&head);
        frame.extend_from_slice(payload);
        writer.write_all(&frame).await
    } else {
        writer.write_all(&head).await?;
        writer.write_all(payload).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> FrameHeader {
        FrameHeader {
            flags: FLAG_LAST,
            seq: 7,
            payload_len: 3,
            ..FrameHeader::new(FrameKind::Data, 42, 1, 2)
        }
    }

    #[test]
    fn header_round_trips() {
        let h = header();
        assert_eq!(FrameHeader::decode(&h.encode(), 100).unwrap(), h);
        assert!(h.is_last());
    }

    #[test]
    fn every_malformed_header_is_an_error() {
        let good = header().encode();
        let mut bad = good;
        bad[0] = b'X';
        assert!(matches!(FrameHeader::decode(&bad, 100), Err(FrameError::BadMagic(_))));
        let mut bad = good;
        bad[4] = 9;
        assert!(matches!(FrameHeader::decode(&bad, 100), Err(FrameError::UnsupportedVersion(9))));
        let mut bad = good;
        bad[5] = 0;
        assert!(matches!(FrameHeader::decode(&bad, 100), Err(FrameError::UnknownKind(0))));
        let mut bad = good;
        bad[6] = 2;
        assert!(matches!(FrameHeader::decode(&bad, 100), Err(FrameError::BadFlags { .. })));
        let mut bad = good;
        bad[7] = 1;
        assert!(matches!(FrameHeader::decode(&bad, 100), Err(FrameError::BadFlags { .. })));
        let hello = FrameHeader { flags: FLAG_LAST, ..FrameHeader::new(FrameKind::Hello, 1, 0, 1) };
        assert!(matches!(FrameHeader::decode(&hello.encode(), 100), Err(FrameError::BadFlags { .. })));
        let err = FrameHeader::decode(&good, 2).unwrap_err();
        assert!(matches!(err, FrameError::TooLong { len: 3, limit: 2 }), "{err}");
    }

    #[test]
    fn frames_round_trip_and_truncation_is_detected() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let mut wire = Vec::new();
            write_frame(&mut wire, header(), b"abc").await.unwrap();
            write_frame(&mut wire, FrameHeader::new(FrameKind::Finished, 42, 1, 2), &[]).await.unwrap();
            let mut reader = wire.as_slice();
            let (h, payload) = read_frame(&mut reader, 100).await.unwrap().unwrap();
            assert_eq!((h, payload.as_slice()), (header(), b"abc".as_slice()));
            let (h, payload) = read_frame(&mut reader, 100).await.unwrap().unwrap();
            assert_eq!((h.kind, payload.len()), (FrameKind::Finished, 0));
            assert!(read_frame(&mut reader, 100).await.unwrap().is_none());

            let mut cut = &wire[..HEADER_LEN + 1];
            let err = read_frame(&mut cut, 100).await.unwrap_err();
            assert!(matches!(err, FrameError::Truncated { expected: 39, got: 37 }), "{err}");
            let mut cut = &wire[..10];
            let err = read_frame(&mut cut, 100).await.unwrap_err();
            assert!(matches!(err, FrameError::Truncated { expected: HEADER_LEN, got: 10 }), "{err}");
        });
    }
}

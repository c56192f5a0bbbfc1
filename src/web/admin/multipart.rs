//! Reading a multipart form (file uploads) with size limits applied while streaming.

use actix_multipart::Multipart;
use futures_util::TryStreamExt;

use crate::error::AppError;

/// A read form: its text fields, its accepted files, and files refused for size.
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub files: Vec<(String, Vec<u8>)>,
    /// (file name, size in bytes) of files over the limit; their bytes were not kept.
    pub too_large: Vec<(String, usize)>,
    /// Text fields longer than the limit (kept cut short: refuse the form rather than use them).
    pub too_long: Vec<String>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }
}

/// Reads every part: files of `file_field` up to `max_file_bytes` each and `max_files` in all (more
/// is 413); other fields as text of at most 4 KiB.
pub async fn read(
    payload: Multipart,
    file_field: &str,
    max_file_bytes: usize,
    max_files: usize,
) -> Result<Upload, AppError> {
    read_with_text(payload, file_field, max_file_bytes, max_files, 4096).await
}

/// As [`read`], with text fields of at most `max_text_bytes` (longer ones are named in `too_long`).
pub async fn read_with_text(
    mut payload: Multipart,
    file_field: &str,
    max_file_bytes: usize,
    max_files: usize,
    max_text_bytes: usize,
) -> Result<Upload, AppError> {
    let mut up = Upload::default();
    let bad = |_| AppError::BadRequest("The upload could not be read. Try again.".into());
    while let Some(mut part) = payload.try_next().await.map_err(bad)? {
        let name = part.name().unwrap_or("").to_string();
        let filename = part.content_disposition().and_then(|cd| cd.get_filename()).unwrap_or("file").to_string();
        let is_file = name == file_field;
        let cap = if is_file { max_file_bytes } else { max_text_bytes };
        let (mut buf, mut size) = (Vec::new(), 0usize);
        while let Some(chunk) = part.try_next().await.map_err(bad)? {
            size += chunk.len();
            if size <= cap {
                buf.extend_from_slice(&chunk);
            }
        }
        if !is_file {
            if size > cap {
                up.too_long.push(name.clone());
            }
            up.fields.push((name, String::from_utf8_lossy(&buf).into_owned()));
        } else if size == 0 {
            continue;
        } else if up.files.len() + up.too_large.len() >= max_files {
            return Err(AppError::TooLarge);
        } else if size > cap {
            up.too_large.push((filename, size));
        } else {
            up.files.push((filename, buf));
        }
    }
    Ok(up)
}

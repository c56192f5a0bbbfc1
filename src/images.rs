//! Product photos: decoded to prove they are images, refused when too large or too many pixels,
//! turned upright, stripped of metadata (EXIF GPS included) and stored as WebP at three widths.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, imageops::FilterType};

use crate::domain::catalog::IMAGE_WIDTHS as WIDTHS;
pub use crate::domain::catalog::Processed;

/// Upload limits, from `[uploads]` in config.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_pixels: u64,
}

impl Limits {
    pub fn from_config(c: &crate::config::UploadsConfig) -> Limits {
        Limits { max_bytes: c.max_image_mb * 1024 * 1024, max_pixels: c.max_image_megapixels }
    }

    /// The refusal of a file of `size` bytes, past `max_bytes`.
    pub fn too_large(&self, name: &str, size: usize) -> ImageError {
        let mb = |b: usize| (b as u64).div_ceil(1024 * 1024);
        ImageError::TooLarge { name: name.into(), mb: mb(size), max: mb(self.max_bytes) }
    }
}

/// Why a file was refused; the message is for the seller.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImageError {
    #[error("{name} is not a JPEG, PNG or WebP image.")]
    NotAnImage { name: String },
    #[error("{name} is {mb} MB; the most is {max} MB.")]
    TooLarge { name: String, mb: u64, max: u64 },
    #[error("{name} is {width}×{height} pixels; the most is {max} megapixels.")]
    TooManyPixels { name: String, width: u32, height: u32, max: u64 },
    #[error("{name} is {width}×{height} pixels; a side may be at most 16,383 pixels.")]
    TooLong { name: String, width: u32, height: u32 },
}

/// The longest side WebP can store.
const MAX_SIDE: u32 = 16_383;

/// WebP quality: small files that still look sharp on a phone.
const QUALITY: f32 = 80.0;

/// Checks and converts one uploaded file (`name` is only used in messages).
pub fn process(name: &str, bytes: &[u8], limits: Limits) -> Result<Processed, ImageError> {
    Ok(renditions(&decode(name, bytes, limits)?))
}

/// The most a logo is kept at: twice the header's 40-pixel height, for sharp phone screens.
const LOGO_BOX: (u32, u32) = (480, 80);

/// Checks an uploaded logo and returns it as WebP (transparency kept) with its width and height.
pub fn logo(name: &str, bytes: &[u8], limits: Limits) -> Result<(Vec<u8>, u32, u32), ImageError> {
    let img = decode(name, bytes, limits)?;
    let (bw, bh) = LOGO_BOX;
    let fitted = if img.width() > bw || img.height() > bh { img.resize(bw, bh, FilterType::CatmullRom) } else { img };
    let rgba = fitted.to_rgba8();
    let webp = webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height()).encode(90.0);
    Ok((webp.to_vec(), rgba.width(), rgba.height()))
}

/// Decodes an upload after checking its size, type and pixel count, and turns it upright.
fn decode(name: &str, bytes: &[u8], limits: Limits) -> Result<DynamicImage, ImageError> {
    if bytes.len() > limits.max_bytes {
        return Err(limits.too_large(name, bytes.len()));
    }
    let not_image = || ImageError::NotAnImage { name: name.into() };
    let reader = || ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| not_image());
    let format = reader()?.format().ok_or_else(not_image)?;
    if !matches!(format, image::ImageFormat::Jpeg | image::ImageFormat::Png | image::ImageFormat::WebP) {
        return Err(not_image());
    }
    // The header tells the size before anything is decoded, so a decompression bomb costs nothing.
    let (width, height) = reader()?.into_dimensions().map_err(|_| not_image())?;
    if u64::from(width) * u64::from(height) > limits.max_pixels * 1_000_000 {
        return Err(ImageError::TooManyPixels { name: name.into(), width, height, max: limits.max_pixels });
    }
    // WebP cannot hold a longer side: a narrow strip within the pixel limit made the encoder
    // panic (found by fuzzing: 12×16,392).
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(ImageError::TooLong { name: name.into(), width, height });
    }
    let mut decoder = reader()?.into_decoder().map_err(|_| not_image())?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| not_image())?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// The three stored widths of an upright image (never enlarged); pixels only, so no metadata survives.
pub fn renditions(img: &DynamicImage) -> Processed {
    let (width, height) = (img.width(), img.height());
    let renditions = WIDTHS
        .iter()
        .map(|&w| {
            let scaled = if width > w { img.resize(w, u32::MAX, FilterType::CatmullRom) } else { img.clone() };
            let rgba = scaled.to_rgba8();
            let webp = webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height()).encode(QUALITY);
            (w, webp.to_vec())
        })
        .collect();
    Processed { width, height, renditions }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    /// A small valid PNG with its header rewritten to claim another size.
    pub(crate) fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = png(1, 1);
        // IHDR starts at byte 8: length (4), "IHDR" (4), width (4), height (4), 5 more bytes, CRC (4).
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    const LIMITS: Limits = Limits { max_bytes: 5 * 1024 * 1024, max_pixels: 40 };

    #[test]
    fn a_photo_becomes_three_webp_widths() {
        let p = process("kurta.png", &png(1400, 1000), LIMITS).unwrap();
        assert_eq!((p.width, p.height), (1400, 1000));
        let widths: Vec<u32> =
            p.renditions.iter().map(|(w, data)| image::load_from_memory(data).unwrap().width().min(*w)).collect();
        assert_eq!(widths, [320, 640, 1280]);
        assert!(p.renditions.iter().all(|(_, d)| &d[..4] == b"RIFF" && &d[8..12] == b"WEBP"));
    }

    #[test]
    fn small_photos_are_not_enlarged() {
        let p = process("small.png", &png(200, 100), LIMITS).unwrap();
        assert!(p.renditions.iter().all(|(_, d)| image::load_from_memory(d).unwrap().width() == 200));
    }

    #[test]
    fn text_renamed_jpg_is_refused() {
        let e = process("photo.jpg", b"this is not a picture at all", LIMITS).unwrap_err();
        assert_eq!(e, ImageError::NotAnImage { name: "photo.jpg".into() });
    }

    #[test]
    fn decompression_bombs_are_refused_before_decoding() {
        // A PNG whose header says 20000×20000: a few hundred bytes that would need 1.6 GB decoded.
        let bomb = png_claiming(20_000, 20_000);
        assert!(bomb.len() < 1024, "{} bytes", bomb.len());
        let e = process("bomb.png", &bomb, LIMITS).unwrap_err();
        assert!(matches!(e, ImageError::TooManyPixels { width: 20_000, height: 20_000, .. }), "{e:?}");
        assert!(e.to_string().contains("20000×20000"));
    }

    #[test]
    fn oversized_files_are_refused() {
        let e = process("huge.png", &vec![0u8; 6 * 1024 * 1024], LIMITS).unwrap_err();
        assert!(e.to_string().contains("6 MB; the most is 5 MB"), "{e}");
    }
}

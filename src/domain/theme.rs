//! The shop's accent colour made safe to read: adjusted until text in it, and text on it, keeps
//! WCAG AA contrast (4.5:1) on Souk's light and dark backgrounds.

/// Light-scheme page and card backgrounds, and the dark ones (as in `assets/css/souk.css`).
const LIGHT_BACKGROUNDS: [Rgb; 2] = [Rgb(0xfa, 0xfa, 0xf9), Rgb(0xff, 0xff, 0xff)];
const DARK_BACKGROUNDS: [Rgb; 2] = [Rgb(0x1c, 0x19, 0x17), Rgb(0x29, 0x25, 0x24)];
const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
const DARK_INK: Rgb = Rgb(0x1c, 0x19, 0x17);
/// WCAG AA for normal text.
const AA: f64 = 4.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb` or `rrggbb` (any case); `None` for anything else.
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.trim().trim_start_matches('#');
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let part = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgb(part(0)?, part(2)?, part(4)?))
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// This colour moved `t` (0 to 1) of the way towards `to`.
    fn mix(self, to: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb(m(self.0, to.0), m(self.1, to.1), m(self.2, to.2))
    }
}

/// The WCAG contrast ratio of two colours, from 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The accent as used in one colour scheme, and the ink for text on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accent {
    pub color: Rgb,
    pub ink: Rgb,
}

/// The seller's colour for light pages (darkened as far as needed) and for dark ones (lightened).
pub fn palette(chosen: Rgb) -> (Accent, Accent) {
    let light = readable(chosen, Rgb(0, 0, 0), &LIGHT_BACKGROUNDS);
    let dark = readable(chosen, WHITE, &DARK_BACKGROUNDS);
    let ink = |c: Rgb| if contrast(c, WHITE) >= contrast(c, DARK_INK) { WHITE } else { DARK_INK };
    (Accent { color: light, ink: ink(light) }, Accent { color: dark, ink: ink(dark) })
}

/// The least change of `c` towards `towards` that reads at AA on every background.
fn readable(c: Rgb, towards: Rgb, backgrounds: &[Rgb]) -> Rgb {
    let ok = |c: Rgb| backgrounds.iter().all(|b| contrast(c, *b) >= AA);
    (0..=100).map(|step| c.mix(towards, f64::from(step) / 100.0)).find(|c| ok(*c)).unwrap_or(towards)
}

/// The stylesheet that sets the shop's accent over Souk's own.
pub fn stylesheet(chosen: Rgb) -> String {
    let (light, dark) = palette(chosen);
    format!(
        ":root{{--accent:{};--accent-ink:{}}}\n@media (prefers-color-scheme: dark){{:root{{--accent:{};--accent-ink:{}}}}}\n",
        light.color.hex(),
        light.ink.hex(),
        dark.color.hex(),
        dark.ink.hex()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_read_from_hex() {
        assert_eq!(Rgb::parse("#0F766e"), Some(Rgb(0x0f, 0x76, 0x6e)));
        assert_eq!(Rgb::parse("ff0000"), Some(Rgb(255, 0, 0)));
        for bad in ["", "#fff", "red", "#12345g", "#1234567"] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
        assert_eq!(Rgb(1, 2, 255).hex(), "#0102ff");
    }

    #[test]
    fn contrast_matches_wcag() {
        assert!((contrast(WHITE, Rgb(0, 0, 0)) - 21.0).abs() < 0.01);
        assert!((contrast(WHITE, WHITE) - 1.0).abs() < 0.01);
        // #767676 on white is the well-known 4.54:1.
        assert!((contrast(Rgb(0x76, 0x76, 0x76), WHITE) - 4.54).abs() < 0.01);
    }

    #[test]
    fn every_accent_reads_at_aa_in_both_schemes() {
        let samples =
            ["#ffff00", "#ff69b4", "#000000", "#ffffff", "#0f766e", "#e11d48", "#7c3aed", "#facc15", "#808080"];
        for s in samples {
            let (light, dark) = palette(Rgb::parse(s).unwrap());
            for bg in LIGHT_BACKGROUNDS {
                assert!(contrast(light.color, bg) >= AA, "{s} light on {bg:?}");
            }
            for bg in DARK_BACKGROUNDS {
                assert!(contrast(dark.color, bg) >= AA, "{s} dark on {bg:?}");
            }
            assert!(contrast(light.color, light.ink) >= AA, "{s}: text on the light accent");
            assert!(contrast(dark.color, dark.ink) >= AA, "{s}: text on the dark accent");
        }
    }

    #[test]
    fn a_readable_colour_is_kept_as_chosen() {
        let teal = Rgb::parse("#0f766e").unwrap();
        assert_eq!(palette(teal).0.color, teal);
        assert_eq!(palette(teal).0.ink, WHITE);
        let yellow = palette(Rgb::parse("#ffff00").unwrap());
        assert_eq!(yellow.1.color, Rgb(255, 255, 0), "yellow already reads on dark pages");
        assert_eq!(yellow.1.ink, DARK_INK);
    }
}

//! The shop profile (one row) and server keys generated on first start.

use rusqlite::{Connection, OptionalExtension, named_params};

use crate::domain::shop::ShopSettings;

/// The shop profile; the migration inserts its one row, so it always exists.
pub fn get(conn: &Connection) -> rusqlite::Result<ShopSettings> {
    conn.query_row(
        "SELECT name, currency, currency_minor_units, country_calling_code, whatsapp_number, contact_email, address,
           intro, accent_color, logo_version, time_zone, custom_orders,
           coalesce(l.width, 0), coalesce(l.height, 0)
         FROM shop_settings LEFT JOIN shop_logo l ON l.id = 1 WHERE shop_settings.id = 1",
        [],
        |r| {
            Ok(ShopSettings {
                name: r.get(0)?,
                currency: r.get(1)?,
                currency_minor_units: r.get(2)?,
                country_calling_code: r.get(3)?,
                whatsapp_number: r.get(4)?,
                contact_email: r.get(5)?,
                address: r.get(6)?,
                intro: r.get(7)?,
                accent_color: r.get(8)?,
                logo_version: r.get(9)?,
                // A zone this binary's tz database does not know falls back to UTC.
                time_zone: crate::domain::zone::Zone::parse(&r.get::<_, String>(10)?).unwrap_or_default(),
                custom_orders: r.get(11)?,
                logo_size: (r.get(12)?, r.get(13)?),
            })
        },
    )
}

/// Saves the profile form's fields (the logo has its own functions).
pub fn update(conn: &Connection, s: &ShopSettings, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE shop_settings SET name = :name, currency = :cur, currency_minor_units = :minor,
           country_calling_code = :cc, whatsapp_number = :wa, contact_email = :email, address = :addr,
           intro = :intro, accent_color = :accent, time_zone = :tz, updated_at = :now WHERE id = 1",
        named_params! {":name": s.name, ":cur": s.currency, ":minor": s.currency_minor_units,
        ":cc": s.country_calling_code, ":wa": s.whatsapp_number, ":email": s.contact_email,
        ":addr": s.address, ":intro": s.intro, ":accent": s.accent_color, ":tz": s.time_zone.name(), ":now": now},
    )?;
    Ok(())
}

/// Switches custom-order requests on the storefront on or off.
pub fn set_custom_orders(conn: &Connection, on: bool, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE shop_settings SET custom_orders = :on, updated_at = :now WHERE id = 1",
        named_params! {":on": on, ":now": now},
    )?;
    Ok(())
}

/// Stores the logo (WebP) and returns its new version; `None` removes it.
pub fn set_logo(conn: &Connection, logo: Option<(&[u8], u32, u32)>, now: &str) -> rusqlite::Result<String> {
    let version = match logo {
        Some((webp, width, height)) => {
            conn.execute(
                "INSERT INTO shop_logo (id, webp, width, height) VALUES (1, :webp, :w, :h)
                 ON CONFLICT (id) DO UPDATE SET webp = excluded.webp, width = excluded.width, height = excluded.height",
                named_params! {":webp": webp, ":w": width, ":h": height},
            )?;
            use sha2::Digest;
            hex::encode(&sha2::Sha256::digest(webp)[..8])
        }
        None => {
            conn.execute("DELETE FROM shop_logo", [])?;
            String::new()
        }
    };
    conn.execute(
        "UPDATE shop_settings SET logo_version = :v, updated_at = :now WHERE id = 1",
        named_params! {":v": version, ":now": now},
    )?;
    Ok(version)
}

/// The logo's WebP bytes; `None` when the shop has no logo.
pub fn logo(conn: &Connection) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.query_row("SELECT webp FROM shop_logo WHERE id = 1", [], |r| r.get(0)).optional()
}

/// The named server key, created with 32 random bytes the first time it is asked for.
pub fn server_key(conn: &Connection, name: &str) -> rusqlite::Result<Vec<u8>> {
    let existing: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM server_keys WHERE name = :name", named_params! {":name": name}, |r| r.get(0))
        .optional()?;
    if let Some(key) = existing {
        return Ok(key);
    }
    let key: [u8; 32] = rand::random();
    conn.execute(
        "INSERT INTO server_keys (name, value) VALUES (:name, :value)",
        named_params! {":name": name, ":value": key.as_slice()},
    )?;
    Ok(key.to_vec())
}

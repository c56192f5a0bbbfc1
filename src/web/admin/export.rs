//! `/admin/orders.csv` (and the admin API's `orders.csv`): the orders the All tab's filters find,
//! streamed a chunk at a time so 100,000 orders take bounded memory; one row per order, or one
//! per item (`lines=1`); `bom=1` starts the file with a UTF-8 byte order mark for Excel.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::stream;

use crate::AppState;
use crate::app::Actor;
use crate::db::{order_export, order_lists::Query};
use crate::domain::order_export::{LINE_COLUMNS, ORDER_COLUMNS, line_row, order_row};
use crate::domain::order_lists::Filter;
use crate::domain::zone::Zone;
use crate::error::AppError;
use crate::views::Admin;

/// `GET /admin/orders.csv` (owner and staff): the All tab's filters, and the switches.
pub async fn orders(admin: Admin, state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let bad = |e: serde_urlencoded::de::Error| AppError::BadRequest(format!("The query could not be read: {e}"));
    let filter: Filter = serde_urlencoded::from_str(req.query_string()).map_err(bad)?;
    let asked: SwitchQuery = serde_urlencoded::from_str(req.query_string()).map_err(bad)?;
    let switches = Switches::read(asked.lines.as_deref(), asked.bom.as_deref())
        .map_err(|(name, message)| AppError::BadRequest(format!("{name}: {message}")))?;
    let query = super::orders::query(&filter, admin.page.zone, &admin.page.shop.country_calling_code)
        .map_err(|(_, message)| AppError::BadRequest(message))?;
    csv_response(state, query, &filter, switches, admin.actor()).await
}

/// Orders read per chunk.
const CHUNK: usize = 1000;

/// The export's own switches, besides the list's filters.
#[derive(Debug, Default, Clone, Copy)]
pub struct Switches {
    /// One row per item instead of per order.
    pub lines: bool,
    /// A byte order mark first, for Excel.
    pub bom: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct SwitchQuery {
    lines: Option<String>,
    bom: Option<String>,
}

impl Switches {
    /// The query's `lines` and `bom` (the desk's checkboxes send `1`): `1` or `true` on, `0`,
    /// `false` or absent off; anything else is the parameter's name and what to send.
    pub fn read(lines: Option<&str>, bom: Option<&str>) -> Result<Switches, (&'static str, String)> {
        let on = |name: &'static str, v: Option<&str>| match v {
            None | Some("0" | "false") => Ok(false),
            Some("1" | "true") => Ok(true),
            Some(_) => Err((name, "Use 1 (or true) to turn it on, 0 (or false) to leave it off.".to_string())),
        };
        Ok(Switches { lines: on("lines", lines)?, bom: on("bom", bom)? })
    }
}

/// The streamed CSV answer for `query`, after writing who exported what into the audit log.
pub async fn csv_response(
    state: web::Data<AppState>,
    query: Query,
    filter: &Filter,
    what: Switches,
    actor: Actor,
) -> Result<HttpResponse, AppError> {
    let Switches { lines, bom } = what;
    let shop = state.shop();
    let (zone, minor) = (shop.time_zone, shop.currency_minor_units);
    let described = filter.query(1);
    let detail = format!(
        "{}{}",
        if lines { "one row per item; " } else { "" },
        if described.is_empty() { "all orders".into() } else { described }
    );
    state.db.write(move |tx| Ok(actor.record(tx, "orders.export", "orders.csv", &detail)?)).await?;
    let name = format!("orders-{}.csv", zone.date(state.clock.now()).format("%Y-%m-%d"));
    let start = Chunks { state: state.clone(), query, zone, minor, lines, header: true, bom, done: false };
    let body = stream::unfold(start, |mut c| async move {
        if c.done {
            return None;
        }
        let out = c.next().await;
        if out.is_err() {
            c.done = true;
        }
        Some((out, c))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

/// Where the export is: the next chunk starts before the last order written.
struct Chunks {
    state: web::Data<AppState>,
    query: Query,
    zone: Zone,
    minor: u8,
    lines: bool,
    header: bool,
    bom: bool,
    done: bool,
}

impl Chunks {
    /// The next piece of the file: the header (and byte order mark) with the first chunk; the
    /// stream ends after a chunk shorter than [`CHUNK`].
    async fn next(&mut self) -> Result<web::Bytes, AppError> {
        let (q, lines) = (self.query.clone(), self.lines);
        let (orders, items) = self
            .state
            .db
            .read(move |c| {
                let orders = order_export::orders(c, &q, CHUNK)?;
                let items = if lines {
                    order_export::lines(c, &orders.iter().map(|o| o.id).collect::<Vec<_>>())?
                } else {
                    Vec::new()
                };
                Ok((orders, items))
            })
            .await?;
        if orders.len() < CHUNK {
            self.done = true;
        }
        if let Some(last) = orders.last() {
            self.query.before = Some((last.created_at.clone(), last.id));
        }
        let header = std::mem::take(&mut self.header);
        let mut buf = Vec::with_capacity(256 * (orders.len() + 1));
        if header && self.bom {
            buf.extend_from_slice("\u{feff}".as_bytes());
        }
        let mut w = csv::Writer::from_writer(buf);
        let mut by_order: std::collections::HashMap<i64, Vec<&crate::domain::order_export::ExportLine>> =
            std::collections::HashMap::new();
        for l in &items {
            by_order.entry(l.order_id).or_default().push(l);
        }
        let result: Result<(), csv::Error> = (|| {
            if header {
                w.write_record(if self.lines { &LINE_COLUMNS[..] } else { &ORDER_COLUMNS[..] })?;
            }
            for o in &orders {
                if self.lines {
                    for l in by_order.get(&o.id).map(Vec::as_slice).unwrap_or_default() {
                        w.write_record(line_row(o, l, self.zone, self.minor))?;
                    }
                } else {
                    w.write_record(order_row(o, self.zone, self.minor))?;
                }
            }
            Ok(())
        })();
        result.map_err(AppError::internal)?;
        Ok(web::Bytes::from(w.into_inner().map_err(|e| AppError::internal(e.to_string()))?))
    }
}

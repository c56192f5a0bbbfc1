//! The All tab's search (and the admin API's list and the orders export): the query's conditions
//! as SQL, and how SQLite should find a page when a search or a tag matches many orders.

use rusqlite::types::Value;
use rusqlite::{Connection, named_params};

use super::order_lists::{LIST_COLUMNS, list_row};
use crate::domain::order_lists::ListRow;
use crate::domain::orders::{PaymentStatus, Status};

/// The All tab's query, already checked: every condition optional.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub status: Option<Status>,
    pub payment_status: Option<PaymentStatus>,
    pub payment: Option<String>,
    pub delivery: Option<String>,
    pub channel: Option<String>,
    pub tag: Option<String>,
    /// UTC bounds of the date range: placed at or after `from`, before `until`.
    pub from: Option<String>,
    pub until: Option<String>,
    /// An E.164 number to match exactly.
    pub phone: Option<String>,
    /// A code, name or email fragment.
    pub text: Option<String>,
    /// Placed before this order (its placing time and id): the admin API's cursor.
    pub before: Option<(String, i64)>,
}

/// The FTS5 query for text anywhere in the indexed columns: one phrase, quotes doubled.
fn match_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// How SQLite finds a page of orders when a condition (a search, a tag) matches many of them.
/// Either way gives the same rows: looking each match up and sorting them costs per match (7 ms
/// for 4,000 of 100,000 orders); walking the orders newest first and testing each costs per order
/// passed over (1.5 ms for the same 4,000 when the page is near the top, 30 ms when nothing matches).
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    walk_text: bool,
    /// The matches of the text, when they are few: found once while counting, not again.
    text_ids: Option<Vec<i64>>,
    walk_tag: bool,
    /// The newest orders with the tag, when the tag is the only condition.
    tag_ids: Option<Vec<i64>>,
}

/// Whether the list has a condition besides its text and tag (a filter, a phone, a cursor).
fn other_conditions(q: &Query) -> bool {
    q.status.is_some()
        || q.payment_status.is_some()
        || q.payment.is_some()
        || q.delivery.is_some()
        || q.channel.is_some()
        || q.from.is_some()
        || q.until.is_some()
        || q.phone.is_some()
        || q.before.is_some()
}

/// Whether text is the list's only condition.
fn text_alone(q: &Query) -> bool {
    !other_conditions(q) && q.tag.is_none()
}

/// Walks when the matches are so many that the page's end is expected within a few times their
/// number of orders from the newest: `matches² × 4 ≥ orders × page_end`, counted first from the
/// indexes up to that number (0.2 ms for 100,000 orders).
fn plan(conn: &Connection, q: &Query, page_end: usize) -> rusqlite::Result<Plan> {
    let text = q.text.as_ref().filter(|t| t.chars().count() >= 3);
    if text.is_none() && q.tag.is_none() {
        return Ok(Plan::default());
    }
    let total: i64 =
        conn.prepare_cached("SELECT coalesce(sum(n), 0) FROM order_status_counts")?.query_row([], |r| r.get(0))?;
    // The fewest matches that make walking worth it; counting stops there.
    let enough = ((total.max(0) as f64 * page_end as f64 / 4.0).sqrt().ceil() as i64).max(1);
    let mut plan = Plan::default();
    if let Some(t) = text {
        let ids: Vec<i64> = conn
            .prepare_cached("SELECT rowid FROM order_search WHERE order_search MATCH :m LIMIT :enough")?
            .query_map(named_params! {":m": match_phrase(t), ":enough": enough}, |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        plan.walk_text = ids.len() as i64 >= enough;
        if !plan.walk_text {
            plan.text_ids = Some(ids);
        } else if text_alone(q) {
            // Orders are numbered as they are placed (placing times follow the numbers, but for
            // placements racing within milliseconds), so the newest matches are the highest
            // numbered: the index hands over just the page's worth of them (0.1 ms, where walking
            // every order newest first to test it against all the matches takes 1.5 ms).
            let newest: Vec<i64> = conn
                .prepare_cached(
                    "SELECT rowid FROM order_search WHERE order_search MATCH :m ORDER BY rowid DESC LIMIT :n",
                )?
                .query_map(named_params! {":m": match_phrase(t), ":n": page_end as i64}, |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            plan.walk_text = false;
            plan.text_ids = Some(newest);
        }
    }
    if let Some(tag) = &q.tag {
        let k: i64 = conn
            .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM order_tags WHERE tag = :t LIMIT :enough)")?
            .query_row(named_params! {":t": tag, ":enough": enough}, |r| r.get(0))?;
        plan.walk_tag = k >= enough;
        if plan.walk_tag && q.text.is_none() && !other_conditions(q) {
            // As for text alone: the tag's index gives its highest-numbered orders directly.
            let newest: Vec<i64> = conn
                .prepare_cached("SELECT order_id FROM order_tags WHERE tag = :t ORDER BY order_id DESC LIMIT :n")?
                .query_map(named_params! {":t": tag, ":n": page_end as i64}, |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            plan.walk_tag = false;
            plan.tag_ids = Some(newest);
        }
    }
    Ok(plan)
}

/// The SQL condition (`WHERE …`, or nothing) and named parameters for `q`. Only the conditions
/// asked for are in the SQL, so SQLite can use the index each one has (a date range walks
/// `orders_created` from its end rather than every newer order).
pub(crate) fn where_clause(q: &Query, plan: &Plan) -> (String, Vec<(&'static str, Value)>) {
    let mut conditions: Vec<&str> = Vec::new();
    let mut params: Vec<(&'static str, Value)> = Vec::new();
    let mut add = |sql: &'static str, named: Vec<(&'static str, Value)>| {
        conditions.push(sql);
        params.extend(named);
    };
    let text = |v: &String| Value::Text(v.clone());
    if let Some(s) = q.status {
        add("o.status = :status", vec![(":status", Value::Text(s.as_str().into()))]);
    }
    if let Some(s) = q.payment_status {
        add("o.payment_status = :paid", vec![(":paid", Value::Text(s.as_str().into()))]);
    }
    if let Some(v) = &q.payment {
        add("o.payment_code = :payment", vec![(":payment", text(v))]);
    }
    if let Some(v) = &q.delivery {
        add("o.delivery_code = :delivery", vec![(":delivery", text(v))]);
    }
    if let Some(v) = &q.channel {
        add("o.channel = :channel", vec![(":channel", text(v))]);
    }
    if let Some(v) = &q.tag {
        if let Some(ids) = &plan.tag_ids {
            add(
                "o.id IN (SELECT value FROM json_each(:tag_ids))",
                vec![(":tag_ids", Value::Text(serde_json::to_string(ids).unwrap_or_default()))],
            );
        } else if plan.walk_tag {
            add(
                "EXISTS (SELECT 1 FROM order_tags t WHERE t.order_id = o.id AND t.tag = :tag)",
                vec![(":tag", text(v))],
            );
        } else {
            add("o.id IN (SELECT order_id FROM order_tags WHERE tag = :tag)", vec![(":tag", text(v))]);
        }
    }
    if let Some(v) = &q.from {
        add("o.created_at >= :from", vec![(":from", text(v))]);
    }
    if let Some(v) = &q.until {
        add("o.created_at < :until", vec![(":until", text(v))]);
    }
    if let Some(v) = &q.phone {
        add("o.customer_phone = :phone", vec![(":phone", text(v))]);
    }
    if let Some(t) = &q.text {
        if t.chars().count() >= 3 {
            // The trigram index finds the text inside any of the four columns; an exact code too.
            // `+o.id` keeps SQLite from looking each match up by id: it walks the orders newest
            // first and tests each against the matches instead.
            match &plan.text_ids {
                Some(ids) => add(
                    "(o.code = :exact OR o.id IN (SELECT value FROM json_each(:ids)))",
                    vec![(":exact", text(t)), (":ids", Value::Text(serde_json::to_string(ids).unwrap_or_default()))],
                ),
                None => {
                    let sql = if plan.walk_text {
                        "(o.code = :exact OR +o.id IN (SELECT rowid FROM order_search WHERE order_search MATCH :match))"
                    } else {
                        "(o.code = :exact OR o.id IN (SELECT rowid FROM order_search WHERE order_search MATCH :match))"
                    };
                    add(sql, vec![(":exact", text(t)), (":match", Value::Text(match_phrase(t)))]);
                }
            }
        } else {
            let escaped = t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            add(
                "(o.code = :exact OR o.customer_name LIKE :like ESCAPE '\\' OR o.customer_email LIKE :like ESCAPE '\\'
                  OR o.customer_phone LIKE :like ESCAPE '\\')",
                vec![(":exact", text(t)), (":like", Value::Text(format!("%{escaped}%")))],
            );
        }
    }
    if let Some((at, id)) = &q.before {
        add(
            "(o.created_at < :bc OR (o.created_at = :bc AND o.id < :bi))",
            vec![(":bc", text(at)), (":bi", Value::Integer(*id))],
        );
    }
    let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    (filter, params)
}

/// A page of orders matching `q`, newest first: at most `limit` rows from `offset`.
pub fn search(conn: &Connection, q: &Query, limit: usize, offset: usize) -> rusqlite::Result<Vec<ListRow>> {
    let (filter, mut params) = where_clause(q, &plan(conn, q, offset + limit)?);
    params.push((":limit", Value::Integer(limit as i64)));
    params.push((":offset", Value::Integer(offset as i64)));
    let named: Vec<(&str, &dyn rusqlite::ToSql)> =
        params.iter().map(|(n, v)| (*n, v as &dyn rusqlite::ToSql)).collect();
    // The page's ids first, sorted on (created_at, id) alone; the columns (with their per-order
    // subquery) only for the page. A filter matching thousands of orders (a tag, a common name)
    // would otherwise compute every column of each before sorting.
    conn.prepare_cached(&format!(
        "SELECT {LIST_COLUMNS} FROM
           (SELECT o.id FROM orders o {filter} ORDER BY o.created_at DESC, o.id DESC LIMIT :limit OFFSET :offset) AS page
         JOIN orders o ON o.id = page.id
         ORDER BY o.created_at DESC, o.id DESC"
    ))?
    .query_map(named.as_slice(), list_row)?
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 300 orders, one in three for "Meera" and tagged "gift", placed a minute apart.
    fn shop() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        crate::db::migrate(&mut c).unwrap().unwrap();
        for i in 0..300 {
            let name = if i % 3 == 0 { format!("Meera {i}") } else { format!("Kabir {i}") };
            let at = format!("2026-11-{:02}T{:02}:{:02}:00.000Z", 1 + i / 1440, (i / 60) % 24, i % 60);
            c.execute(
                "INSERT INTO orders (number, code, status, currency, subtotal, delivery_fee, discount, total,
                    customer_name, customer_phone, delivery_code, delivery_name, payment_code, payment_kind,
                    payment_name, lines_key, created_at, updated_at)
                 VALUES (?1, 'ORD-' || ?1, 'delivered', 'INR', 100, 0, 0, 100, ?2, '+9198' || ?1, 'd', 'D', 'p', 'upi',
                    'P', '', ?3, ?3)",
                rusqlite::params![1000 + i, name, at],
            )
            .unwrap();
            if i % 3 == 0 {
                c.execute("INSERT INTO order_tags (order_id, tag) VALUES (last_insert_rowid(), 'gift')", []).unwrap();
            }
        }
        c
    }

    fn page(c: &Connection, q: &Query, plan: &Plan, limit: usize, offset: usize) -> Vec<String> {
        let (filter, mut params) = where_clause(q, plan);
        params.push((":limit", Value::Integer(limit as i64)));
        params.push((":offset", Value::Integer(offset as i64)));
        let named: Vec<(&str, &dyn rusqlite::ToSql)> =
            params.iter().map(|(n, v)| (*n, v as &dyn rusqlite::ToSql)).collect();
        let sql = format!(
            "SELECT o.code FROM orders o {filter} ORDER BY o.created_at DESC, o.id DESC LIMIT :limit OFFSET :offset"
        );
        c.prepare(&sql).unwrap().query_map(named.as_slice(), |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn walking_and_sorting_find_the_same_pages() {
        let c = shop();
        let walk = Plan { walk_text: true, walk_tag: true, text_ids: None, tag_ids: None };
        let queries = [
            Query { text: Some("meera".into()), ..Default::default() },
            Query { text: Some("ORD-102".into()), ..Default::default() },
            Query { tag: Some("gift".into()), ..Default::default() },
            Query { tag: Some("gift".into()), text: Some("meera 2".into()), ..Default::default() },
            Query { text: Some("nobody".into()), ..Default::default() },
        ];
        for q in &queries {
            for (limit, offset) in [(51, 0), (20, 40), (50, 90)] {
                let sorted = page(&c, q, &Plan::default(), limit, offset);
                assert_eq!(page(&c, q, &walk, limit, offset), sorted, "{q:?} {limit} {offset}");
                assert_eq!(page(&c, q, &plan(&c, q, limit + offset).unwrap(), limit, offset), sorted, "{q:?}");
            }
        }
        assert_eq!(page(&c, &queries[0], &walk, 3, 0), ["ORD-1297", "ORD-1294", "ORD-1291"]);
        assert_eq!(page(&c, &queries[1], &walk, 20, 0).len(), 10, "ORD-1020 to ORD-1029");
        // Many matches walk, few are sorted.
        // Text alone: the newest matches straight from the index.
        let alone = plan(&c, &queries[0], 51).unwrap();
        assert!(!alone.walk_text && alone.text_ids.map(|ids| ids.len()) == Some(51));
        // Text with a filter: many matches walk.
        let with_tag = Query { tag: Some("gift".into()), text: Some("meera".into()), ..Default::default() };
        assert!(plan(&c, &with_tag, 51).unwrap().walk_text);
        for (limit, offset) in [(51, 0), (20, 40)] {
            let sorted = page(&c, &with_tag, &Plan::default(), limit, offset);
            assert_eq!(page(&c, &with_tag, &plan(&c, &with_tag, limit + offset).unwrap(), limit, offset), sorted);
        }
        assert!(!plan(&c, &queries[1], 51).unwrap().walk_text);
        assert_eq!(plan(&c, &queries[1], 51).unwrap().text_ids.map(|ids| ids.len()), Some(10));
        // A tag alone: its newest orders straight from its index; with text: many matches walk.
        assert_eq!(plan(&c, &queries[2], 51).unwrap().tag_ids.map(|ids| ids.len()), Some(51));
        assert!(plan(&c, &with_tag, 51).unwrap().walk_tag);
        // search() gives the same as either.
        let found: Vec<String> = search(&c, &queries[0], 51, 0).unwrap().into_iter().map(|r| r.code).collect();
        assert_eq!(found, page(&c, &queries[0], &Plan::default(), 51, 0));
    }
}

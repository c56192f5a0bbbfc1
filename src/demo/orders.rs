//! `souk demo --orders`: a believable order history for the shop's catalogue: customers with
//! WhatsApp numbers, 90 days of orders in every status with payments, timelines and tags, and
//! stock kept exact (each confirmed line deducted once through the ledger).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, Statement, named_params};

use crate::app::Actor;
use crate::db::{self, checkout, desk, settings};
use crate::domain::checkout::{Address, DeliveryKind, PaymentKind};
use crate::domain::desk::FailedReason;
use crate::domain::orders::{self as rules, PaymentStatus, Status, Totals};
use crate::domain::{money, payments};

/// What `souk demo --orders` adds.
#[derive(Debug, Clone, Copy)]
pub struct History {
    pub orders: usize,
    pub customers: usize,
    /// Every order pending, placed in the last day: a backlog to confirm (for benchmarks).
    pub backlog: bool,
}

/// Who moves orders along on the timelines the demo writes.
const SELLER: &str = "Shop (demo)";
const DAYS: i64 = 90;
/// Drafts expire after `[orders] draft_hours`, 48 by default.
const DRAFT_HOURS: i64 = 48;

const FIRST: [&str; 24] = [
    "Aarav",
    "Priya",
    "Rohan",
    "Ananya",
    "Vikram",
    "Meera",
    "Arjun",
    "Kavya",
    "Ishaan",
    "Diya",
    "Rahul",
    "Sneha",
    "Karan",
    "Pooja",
    "Aditya",
    "Neha",
    "Siddharth",
    "Asha",
    "Farhan",
    "Zoya",
    "Harpreet",
    "Lakshmi",
    "Joseph",
    "Fatima",
];
const LAST: [&str; 16] = [
    "Sharma",
    "Iyer",
    "Patel",
    "Reddy",
    "Khan",
    "Singh",
    "Nair",
    "Gupta",
    "Das",
    "Mehta",
    "Rao",
    "Menon",
    "Joshi",
    "Banerjee",
    "Fernandes",
    "Kulkarni",
];
/// (city, region, postal code prefix): the demo's courier zones reach all of them.
const CITIES: [(&str, &str, u32); 10] = [
    ("Jaipur", "Rajasthan", 302),
    ("Udaipur", "Rajasthan", 313),
    ("Mumbai", "Maharashtra", 400),
    ("Pune", "Maharashtra", 411),
    ("Bengaluru", "Karnataka", 560),
    ("New Delhi", "Delhi", 110),
    ("Chennai", "Tamil Nadu", 600),
    ("Kolkata", "West Bengal", 700),
    ("Hyderabad", "Telangana", 500),
    ("Lucknow", "Uttar Pradesh", 226),
];
const STREETS: [&str; 6] = ["MG Road", "Station Road", "Lake View Road", "Gandhi Nagar", "Civil Lines", "Park Street"];
const TAGS: [&str; 6] = ["gift", "wholesale", "repeat", "priority", "festive", "influencer"];
const COURIERS: [(&str, &str); 3] = [
    ("Delhivery", "https://www.delhivery.com/track/package/{tracking}"),
    ("Blue Dart", "https://www.bluedart.com/tracking?awb={tracking}"),
    ("India Post", ""),
];
const CANCEL_REASONS: [&str; 4] =
    ["Customer changed their mind", "No answer on WhatsApp", "Ordered the wrong size", "Duplicate order"];

/// A small deterministic generator (splitmix64): the same command makes the same shop.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::minutes(lo + (self.unit() * (hi - lo) as f64) as i64)
    }
    fn weighted<T: Copy>(&mut self, choices: &[(T, u32)]) -> T {
        let total: u32 = choices.iter().map(|c| c.1).sum();
        let mut at = self.below(total as usize) as u32;
        for (value, weight) in choices {
            if at < *weight {
                return *value;
            }
            at -= weight;
        }
        choices[0].0
    }
}

struct Customer {
    name: String,
    phone: String,
    email: String,
    address: Address,
}

/// Customer `i`, the same in every run: a distinct Indian mobile number (+91 9…, E.164) for
/// every `i` below 10⁹, with a name and an address.
fn customer(i: usize) -> Customer {
    let rng = &mut Rng(i as u64);
    let (first, last) = (FIRST[rng.below(FIRST.len())], LAST[rng.below(LAST.len())]);
    // 3¹⁸ is prime to 10⁹, so this walks every nine-digit tail once.
    let tail = (i as u64 * 387_420_489 + 123_456_789) % 1_000_000_000;
    let (city, region, postal) = CITIES[rng.below(CITIES.len())];
    Customer {
        name: format!("{first} {last}"),
        phone: format!("+919{tail:09}"),
        email: if rng.chance(0.15) {
            format!("{}.{}{i}@example.com", first, last).to_lowercase()
        } else {
            String::new()
        },
        address: Address {
            line1: format!("{} {}", 1 + rng.below(200), STREETS[rng.below(STREETS.len())]),
            line2: String::new(),
            city: city.into(),
            region: region.into(),
            postal_code: format!("{postal}{:03}", 1 + rng.below(99)),
            country: "IN".into(),
        },
    }
}

/// A variant on sale, as an order line copies it.
struct Item {
    variant_id: i64,
    product_id: i64,
    slug: String,
    sku: String,
    title: String,
    options: String,
    price: i64,
    track: bool,
    image_id: Option<i64>,
    max_per_order: Option<i64>,
}

fn items(conn: &Connection, now: &str) -> rusqlite::Result<Vec<Item>> {
    conn.prepare(
        "SELECT v.id, v.product_id, p.slug, v.sku, p.title,
                trim(v.option1 || coalesce(' / ' || nullif(v.option2, ''), '') || coalesce(' / ' || nullif(v.option3, ''), '')),
                v.price, v.track_stock, p.image_id, v.max_per_order
         FROM variants v JOIN products p ON p.id = v.product_id
         WHERE p.status = 'active' AND (p.publish_at IS NULL OR p.publish_at <= :now) ORDER BY v.id",
    )?
    .query_map(named_params! {":now": now}, |r| {
        Ok(Item {
            variant_id: r.get(0)?,
            product_id: r.get(1)?,
            slug: r.get(2)?,
            sku: r.get(3)?,
            title: r.get(4)?,
            options: r.get(5)?,
            price: r.get(6)?,
            track: r.get(7)?,
            image_id: r.get(8)?,
            max_per_order: r.get(9)?,
        })
    })?
    .collect()
}

/// Where an order of this age has got to: most old orders delivered, recent ones all along the way.
fn final_status(age: Duration, rng: &mut Rng) -> Status {
    use Status::*;
    let days = age.num_hours() / 24;
    match days {
        0 => rng.weighted(&[
            (Draft, 15),
            (Pending, 20),
            (AwaitingPayment, 10),
            (Confirmed, 15),
            (Processing, 10),
            (ReadyToShip, 10),
            (Shipped, 10),
            (Cancelled, 10),
        ]),
        1 => rng.weighted(&[
            (Draft, 5),
            (Pending, 5),
            (AwaitingPayment, 5),
            (Confirmed, 10),
            (Processing, 10),
            (ReadyToShip, 10),
            (Shipped, 40),
            (Delivered, 5),
            (Cancelled, 10),
        ]),
        2..=6 => {
            rng.weighted(&[(ReadyToShip, 2), (Shipped, 25), (Delivered, 60), (FailedDelivery, 3), (Cancelled, 10)])
        }
        _ => rng.weighted(&[(Delivered, 880), (Cancelled, 80), (Returned, 25), (Shipped, 12), (FailedDelivery, 3)]),
    }
}

/// The statuses an order went through to reach `last`, from the one it was placed in.
fn path(last: Status, draft_first: bool, prepaid: bool, rng: &mut Rng) -> Vec<Status> {
    use Status::*;
    let mut line = Vec::new();
    if draft_first {
        line.push(Draft);
    }
    line.push(Pending);
    if prepaid {
        line.push(AwaitingPayment);
    }
    line.push(Confirmed);
    if last == Processing || rng.chance(0.5) {
        line.push(Processing);
    }
    if last == ReadyToShip || rng.chance(0.6) {
        line.push(ReadyToShip);
    }
    line.push(Shipped);
    let upto = |line: &mut Vec<Status>, s: Status| {
        let at = line.iter().position(|x| *x == s).unwrap_or(line.len() - 1);
        line.truncate(at + 1);
    };
    match last {
        Cancelled => {
            let cut = rng.below(line.len() - 1);
            line.truncate(cut + 1);
            line.push(Cancelled);
        }
        FailedDelivery => line.push(FailedDelivery),
        Delivered | Returned => {
            if rng.chance(0.05) {
                line.extend([FailedDelivery, Shipped]);
            }
            line.push(Delivered);
            if last == Returned {
                line.push(Returned);
            }
        }
        s => upto(&mut line, s),
    }
    line
}

/// How long after the step before an order usually takes this step.
fn gap(s: Status, rng: &mut Rng) -> Duration {
    use Status::*;
    match s {
        Draft => Duration::zero(),
        Pending => rng.minutes(5, 120),
        AwaitingPayment => rng.minutes(1, 15),
        Confirmed => rng.minutes(10, 360),
        Processing => rng.minutes(60, 720),
        ReadyToShip => rng.minutes(120, 1440),
        Shipped => rng.minutes(60, 1440),
        FailedDelivery => rng.minutes(1440, 4320),
        Delivered => rng.minutes(1440, 7200),
        Returned => rng.minutes(2880, 10080),
        Cancelled => rng.minutes(10, 2880),
    }
}

/// The prepared statements of the bulk insert.
struct Writer<'c> {
    order: Statement<'c>,
    line: Statement<'c>,
    event: Statement<'c>,
    payment: Statement<'c>,
    ledger: Statement<'c>,
    tag: Statement<'c>,
}

impl<'c> Writer<'c> {
    fn new(conn: &'c Connection) -> rusqlite::Result<Self> {
        Ok(Writer {
            order: conn.prepare(
                "INSERT INTO orders (number, code, status, payment_status, channel, currency, subtotal, delivery_fee,
                   discount, total, paid, customer_name, customer_phone, customer_email, delivery_code, delivery_name,
                   delivery_details, address_line1, city, region, postal_code, country, payment_code, payment_kind,
                   payment_name, payment_instructions, payment_account, payment_network, note, cancel_reason,
                   stock_committed, lines_key, placed_ip, expires_at, courier, tracking_number, tracking_url,
                   failed_reason, confirmed_at, shipped_at, delivered_at, created_at, updated_at)
                 VALUES (:number, :code, :status, :pstatus, :channel, :currency, :subtotal, :fee, 0, :total, :paid,
                   :name, :phone, :email, :dcode, :dname, :ddetails, :line1, :city, :region, :postal, :country,
                   :pcode, :pkind, :pname, :pinstr, :paccount, :pnetwork, :note, :cancel, :committed, :key, :ip,
                   :expires, :courier, :tracking, :url, :failed, :confirmed, :shipped, :delivered, :created, :updated)",
            )?,
            line: conn.prepare(
                "INSERT INTO order_lines (order_id, variant_id, product_slug, sku, title, options, unit_price, quantity,
                   line_total, image_id, reserved, committed, restocked)
                 VALUES (:o, :v, :slug, :sku, :title, :options, :price, :qty, :total, :image, :reserved, :committed,
                   :restocked)",
            )?,
            event: conn.prepare(
                "INSERT INTO order_events (order_id, kind, status, from_status, note, detail, actor, at)
                 VALUES (:o, :kind, :status, :from, :note, :detail, :actor, :at)",
            )?,
            payment: conn.prepare(
                "INSERT INTO payments (order_id, kind, amount, method, reference, recorded_by, at)
                 VALUES (:o, :kind, :amount, :method, :reference, :by, :at)",
            )?,
            ledger: conn.prepare(
                "INSERT INTO stock_ledger (variant_id, delta, reason, actor, at) VALUES (:v, :d, :reason, :actor, :at)",
            )?,
            tag: conn.prepare("INSERT OR IGNORE INTO order_tags (order_id, tag) VALUES (:o, :t)")?,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        order: i64,
        kind: &str,
        status: Status,
        from: Option<Status>,
        note: &str,
        detail: &str,
        actor: &str,
        at: &str,
    ) -> rusqlite::Result<()> {
        self.event.execute(named_params! {":o": order, ":kind": kind, ":status": status.as_str(),
        ":from": from.map(Status::as_str), ":note": note, ":detail": detail, ":actor": actor, ":at": at})?;
        Ok(())
    }
}

/// Adds an order history to a shop that has a catalogue; returns how many orders it added.
pub fn fill_orders(conn: &Connection, h: History) -> Result<usize, String> {
    fill(conn, h).map_err(|e| e.to_string())?.ok_or_else(|| {
        "the shop has no products on sale to order; add a catalogue first, e.g. `souk demo --products 1000`".into()
    })
}

fn fill(conn: &Connection, h: History) -> rusqlite::Result<Option<usize>> {
    let now = Utc::now();
    let catalogue = items(conn, &db::ts(now))?;
    if catalogue.is_empty() {
        return Ok(None);
    }
    super::demo_shop(conn)?;
    super::checkout_methods(conn)?;
    if desk::couriers(conn)?.is_empty() {
        for (name, url) in COURIERS {
            desk::save_courier(conn, name, url, true)?;
        }
    }
    let shop = settings::get(conn)?;
    let flow = checkout::settings(conn)?;
    let deliveries = checkout::delivery_methods(conn)?;
    let methods = checkout::payment_methods(conn)?;
    let first_number = db::orders::next_number(conn)?;
    let mut rng = Rng(0x50C_0DE5 ^ first_number as u64);
    let customers: Vec<Customer> = (0..h.customers.max(1)).map(customer).collect();

    // Every customer orders once (as far as there are orders), then some again and again.
    let mut who: Vec<usize> = (0..customers.len().min(h.orders)).collect();
    while who.len() < h.orders {
        who.push((customers.len() as f64 * rng.unit().powf(1.5)) as usize);
    }
    for i in (1..who.len()).rev() {
        who.swap(i, rng.below(i + 1));
    }
    let span = if h.backlog { Duration::hours(24) } else { Duration::days(DAYS) };
    let mut placed: Vec<DateTime<Utc>> =
        (0..h.orders).map(|_| now - Duration::seconds((rng.unit() * span.num_seconds() as f64) as i64)).collect();
    placed.sort_unstable();

    let minor = shop.currency_minor_units;
    let mut w = Writer::new(conn)?;
    // Per variant: units deducted less units put back, and units reserved.
    let mut moved: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for (k, created) in placed.into_iter().enumerate() {
        let c = &customers[who[k]];
        let number = first_number + k as i64;
        let code = rules::code(&flow.order_prefix, number);
        let channel = rng.weighted(&[
            ("web", 55),
            ("whatsapp", 25),
            ("instagram", 10),
            ("facebook", 3),
            ("phone", 4),
            ("walk_in", 2),
            ("other", 1),
        ]);
        let by_customer = matches!(channel, "web" | "whatsapp");
        let draft_first = flow.whatsapp_flow && by_customer;
        let delivery = if rng.chance(0.15) {
            deliveries.iter().find(|d| d.kind == DeliveryKind::Pickup)
        } else {
            deliveries.iter().find(|d| d.kind != DeliveryKind::Pickup)
        }
        .unwrap_or(&deliveries[0]);
        let want = rng.weighted(&[("cod", 50), ("upi", 35), ("bank", 15)]);
        let payment = methods.iter().find(|m| m.code == want).unwrap_or(&methods[0]);
        let prepaid = payment.kind != PaymentKind::Cod;
        let last = if h.backlog { Status::Pending } else { final_status(now - created, &mut rng) };
        let last = match last {
            Status::Draft if !draft_first => Status::Pending,
            Status::AwaitingPayment if !prepaid => Status::Pending,
            s => s,
        };
        let steps = path(last, draft_first, prepaid, &mut rng);

        let mut lines: Vec<(&Item, i64)> = Vec::new();
        for _ in 0..rng.weighted(&[(1, 60), (2, 30), (3, 10)]) {
            let item = &catalogue[(catalogue.len() as f64 * rng.unit().powf(1.5)) as usize];
            let qty = rng.weighted(&[(1, 80), (2, 15), (3, 5)]).min(item.max_per_order.unwrap_or(3));
            if !lines.iter().any(|(i, _)| i.variant_id == item.variant_id) {
                lines.push((item, qty));
            }
        }
        let subtotal: i64 = lines.iter().map(|(i, q)| i.price * q).sum();
        let address = if delivery.needs_address() { c.address.clone() } else { Address::default() };
        let fee = delivery.fee_for(&address, subtotal).unwrap_or_else(|_| delivery.from_fee());
        let Some(totals) = Totals::new(subtotal, 0, fee) else { continue };
        let lines_key = rules::lines_key(&lines.iter().map(|(i, q)| (i.variant_id, *q)).collect::<Vec<_>>());

        // Walk the timeline: each step some time after the one before, never after now.
        let mut times = Vec::with_capacity(steps.len());
        let mut t = created;
        let expired_draft =
            steps == [Status::Draft, Status::Cancelled] && created + Duration::hours(DRAFT_HOURS) <= now;
        for s in &steps {
            let next = t + gap(*s, &mut rng);
            t = if expired_draft && *s == Status::Cancelled {
                created + Duration::hours(DRAFT_HOURS)
            } else if next > now {
                // A step that would lie ahead happened somewhere between the last one and now.
                t + Duration::seconds(((now - t).num_seconds() as f64 * rng.unit()) as i64)
            } else {
                next
            };
            times.push(t);
        }
        let at = |s: Status| steps.iter().position(|x| *x == s).map(|i| db::ts(times[i]));
        let confirmed = at(Status::Confirmed);
        let end = db::ts(*times.last().unwrap_or(&created));
        let cancel_reason = (last == Status::Cancelled)
            .then(|| if expired_draft { "expired" } else { CANCEL_REASONS[rng.below(CANCEL_REASONS.len())] });
        let undone = matches!(last, Status::Cancelled | Status::Returned);
        let courier = COURIERS[rng.below(COURIERS.len())];
        let shipped = at(Status::Shipped);
        let tracking = if delivery.needs_address() {
            format!("{}{number:08}", &courier.0[..2].to_uppercase())
        } else {
            format!("PU{number}")
        };
        let courier_name = if delivery.needs_address() { courier.0 } else { "Shop counter" };
        let failed = steps.contains(&Status::FailedDelivery).then_some(FailedReason::CustomerUnavailable);

        // Money: prepaid orders pay before confirmation (some part-pay while awaiting); cash at the
        // door; money back for undone orders that had paid.
        let mut money_rows: Vec<(usize, &str, i64, String)> = Vec::new();
        if prepaid {
            let reference = if payment.kind == PaymentKind::Upi {
                format!("{:012}", rng.next() % 1_000_000_000_000)
            } else {
                format!("NEFT{:010}", rng.next() % 10_000_000_000)
            };
            if let Some(i) = steps.iter().position(|s| *s == Status::Confirmed) {
                money_rows.push((i - 1, "payment", totals.total, reference));
            } else if last == Status::AwaitingPayment && rng.chance(0.25) {
                money_rows.push((steps.len() - 1, "payment", totals.total / 2, reference));
            }
        } else if let Some(i) = steps.iter().position(|s| *s == Status::Delivered) {
            money_rows.push((i - 1, "payment", totals.total, "cash".into()));
        }
        if undone && !money_rows.is_empty() {
            let paid: i64 = money_rows.iter().map(|m| m.2).sum();
            money_rows.push((steps.len() - 1, "refund", paid, String::new()));
        }
        let received: i64 = money_rows.iter().filter(|m| m.1 == "payment").map(|m| m.2).sum();
        let refunded: i64 = money_rows.iter().filter(|m| m.1 == "refund").map(|m| m.2).sum();
        let pay_status = payments::status(totals.total, received, refunded);

        w.order.execute(named_params! {
            ":number": number, ":code": code, ":status": last.as_str(), ":pstatus": pay_status.as_str(),
            ":channel": channel, ":currency": shop.currency, ":subtotal": totals.subtotal, ":fee": totals.delivery_fee,
            ":total": totals.total, ":paid": received - refunded, ":name": c.name, ":phone": c.phone,
            ":email": c.email, ":dcode": delivery.code, ":dname": delivery.name, ":ddetails": delivery.details,
            ":line1": address.line1, ":city": address.city, ":region": address.region,
            ":postal": address.postal_code, ":country": address.country, ":pcode": payment.code,
            ":pkind": payment.kind.as_str(), ":pname": payment.name, ":pinstr": payment.instructions,
            ":paccount": payment.account, ":pnetwork": payment.network,
            ":note": if rng.chance(0.05) { "Please call before delivery." } else { "" },
            ":cancel": cancel_reason, ":committed": confirmed.is_some() && !undone, ":key": lines_key,
            ":ip": if by_customer { format!("203.0.113.{}", 1 + k % 250) } else { String::new() },
            ":expires": (last == Status::Draft).then(|| db::ts(created + Duration::hours(DRAFT_HOURS))),
            ":courier": if shipped.is_some() { courier_name } else { "" },
            ":tracking": if shipped.is_some() { tracking.as_str() } else { "" },
            ":url": if shipped.is_some() && delivery.needs_address() { crate::domain::desk::tracking_link(courier.1, &tracking) } else { String::new() },
            ":failed": failed.map_or("", FailedReason::as_str), ":confirmed": confirmed, ":shipped": shipped,
            ":delivered": at(Status::Delivered), ":created": db::ts(created), ":updated": end,
        })?;
        let order_id = conn.last_insert_rowid();

        for (item, qty) in &lines {
            let tracked = item.track;
            let committed = if tracked && confirmed.is_some() { *qty } else { 0 };
            let restocked = if undone { committed } else { 0 };
            let reserved = if tracked && confirmed.is_none() && !undone { *qty } else { 0 };
            w.line.execute(named_params! {":o": order_id, ":v": item.variant_id, ":slug": item.slug,
            ":sku": item.sku, ":title": item.title, ":options": item.options, ":price": item.price,
            ":qty": qty, ":total": item.price * qty, ":image": item.image_id, ":reserved": reserved,
            ":committed": committed, ":restocked": restocked})?;
            if let Some(when) = &confirmed
                && committed > 0
            {
                w.ledger.execute(named_params! {":v": item.variant_id, ":d": -committed,
                ":reason": format!("Order {code} confirmed"), ":actor": SELLER, ":at": when})?;
            }
            if restocked > 0 {
                let why = if last == Status::Returned { "returned" } else { "cancelled" };
                w.ledger.execute(named_params! {":v": item.variant_id, ":d": restocked,
                ":reason": format!("Order {code} {why}"), ":actor": SELLER, ":at": end})?;
            }
            let m = moved.entry(item.variant_id).or_default();
            m.0 += committed - restocked;
            m.1 += reserved;
        }

        // The timeline, as the desk writes it: each status with the money recorded at that step.
        let (mut kept, mut got, mut back) = (PaymentStatus::Unpaid, 0, 0);
        for (i, s) in steps.iter().enumerate() {
            let when = db::ts(times[i]);
            let (note, detail, actor) = match (i, s) {
                (0, _) if by_customer => ("Order placed".to_string(), String::new(), "customer"),
                (0, _) => (format!("Order taken by the shop ({})", channel.replace('_', " ")), String::new(), SELLER),
                (_, Status::Pending) if steps[0] == Status::Draft => {
                    (s.label().to_string(), "WhatsApp received".to_string(), SELLER)
                }
                (_, Status::Shipped) => {
                    (format!("Shipped with {courier_name}, tracking number {tracking}"), String::new(), SELLER)
                }
                (_, Status::FailedDelivery) => {
                    (format!("Delivery failed: {}", FailedReason::CustomerUnavailable.label()), String::new(), SELLER)
                }
                (_, Status::Cancelled) if expired_draft => ("Cancelled: expired".into(), String::new(), "scheduler"),
                (_, Status::Cancelled) => {
                    (format!("Cancelled: {}", cancel_reason.unwrap_or("")), String::new(), SELLER)
                }
                _ => (s.label().to_string(), String::new(), SELLER),
            };
            let from = i.checked_sub(1).map(|j| steps[j]);
            // Money taken at the door is recorded with the delivery, before its status event.
            let rows: Vec<_> = money_rows.iter().filter(|m| m.0 + 1 == i && m.3 == "cash").collect();
            for m in rows {
                got += m.2;
                kept = payments::status(totals.total, got, back);
                let detail = format!(
                    "{} received by {}, reference cash",
                    money::format(m.2, &shop.currency, minor),
                    payment.code
                );
                w.payment.execute(named_params! {":o": order_id, ":kind": "payment", ":amount": m.2,
                ":method": payment.code, ":reference": "cash", ":by": SELLER, ":at": when})?;
                w.event(order_id, "payment", steps[i - 1], None, kept.label(), &detail, SELLER, &when)?;
            }
            w.event(order_id, "status", *s, if i == 0 { None } else { from }, &note, &detail, actor, &when)?;
            for m in money_rows.iter().filter(|m| m.0 == i && m.3 != "cash") {
                let (what, by) = if m.1 == "payment" { ("received", "payment") } else { ("refunded", "refund") };
                if m.1 == "payment" {
                    got += m.2
                } else {
                    back += m.2
                }
                kept = payments::status(totals.total, got, back);
                let amount = money::format(m.2, &shop.currency, minor);
                let detail = match m.3.as_str() {
                    "" => format!("{amount} {what} by {}", payment.code),
                    r => format!("{amount} {what} by {}, reference {r}", payment.code),
                };
                w.payment.execute(named_params! {":o": order_id, ":kind": by, ":amount": m.2,
                ":method": payment.code, ":reference": m.3, ":by": SELLER, ":at": when})?;
                w.event(order_id, "payment", *s, None, kept.label(), &detail, SELLER, &when)?;
            }
        }
        debug_assert_eq!(kept, pay_status);
        if rng.chance(0.1) {
            for _ in 0..1 + rng.below(2) {
                w.tag.execute(named_params! {":o": order_id, ":t": TAGS[rng.below(TAGS.len())]})?;
            }
        }
    }

    // The stock those orders took arrived before them: on hand goes up by exactly what the new
    // orders still reserve, so what the storefront can sell is what it was.
    let arrived = db::ts(now - Duration::days(DAYS + 1));
    let mut products = Vec::new();
    for (variant, (net, reserved)) in &moved {
        let found = catalogue.binary_search_by_key(variant, |i| i.variant_id).ok().map(|i| &catalogue[i]);
        let Some(item) = found.filter(|i| i.track) else { continue };
        if net + reserved != 0 {
            w.ledger.execute(named_params! {":v": variant, ":d": net + reserved,
            ":reason": "demo stock for the order history", ":actor": "demo", ":at": arrived})?;
        }
        conn.prepare_cached("UPDATE variants SET on_hand = on_hand + :r, reserved = reserved + :r WHERE id = :v")?
            .execute(named_params! {":v": variant, ":r": reserved})?;
        products.push(item.product_id);
    }
    products.sort_unstable();
    products.dedup();
    for p in products {
        db::catalog::refresh_card(conn, p)?;
    }
    let detail = format!("{} orders, {} customers", h.orders, customers.len().min(h.orders));
    Actor::cli().record(conn, "demo", "orders", &detail)?;
    Ok(Some(h.orders))
}

//! Passwordless customer accounts (issue 13): sign in with a 6-digit code or a one-time link sent
//! to an email (15 minutes, single use, stored hashed, throttled, wrong codes counted); "My orders"
//! lists every order placed with that email (guest orders included), or with a WhatsApp number once
//! proven; reorder; saved addresses; sign out here or everywhere. No password is kept.

use chrono::{DateTime, Duration, Utc};

use crate::app::Actor;
use crate::db::{self, Db, account as stored, outbox, requests as counters};
use crate::domain::FieldErrors;
use crate::domain::account::{
    CODE_MINUTES, MAX_WRONG, SENDS_PER_CLIENT, SENDS_PER_EMAIL, SESSION_DAYS, Via, WRONG_PER_CLIENT, WRONG_PER_EMAIL,
    check_code, check_email, code_hash, new_code,
};
use crate::domain::checkout::Address;
use crate::domain::notify::mask_email;
use crate::domain::tokens::{hash_token, new_token};
use crate::error::AppError;

pub use crate::domain::account::{Account, MyOrder};

/// What asking for a code came to.
#[derive(Debug)]
pub enum Asked {
    Invalid(FieldErrors),
    /// Asked too often for this address or from this client: wait.
    TooMany,
    /// A code (and, by email, a link) is on its way to this address or number.
    Sent(String),
}

/// Sends a sign-in code and link to an address (whether or not it ever ordered: the answer is the
/// same); at most [`SENDS_PER_EMAIL`] an hour per address and [`SENDS_PER_CLIENT`] per client.
pub async fn ask_code(db: &Db, email: &str, ip: &str, now: DateTime<Utc>) -> Result<Asked, AppError> {
    let email = match check_email(email) {
        Ok(e) => e,
        Err(errors) => return Ok(Asked::Invalid(errors)),
    };
    let ip = ip.to_string();
    db.write(move |tx| {
        let (at, hour_ago) = (db::ts(now), db::ts(now - Duration::hours(1)));
        let via = Via::Email(email.clone());
        let client = counters::count_event(tx, &[&format!("account-send:{ip}")], &hour_ago, &at)?[0];
        if client > SENDS_PER_CLIENT || stored::codes_since(tx, &via, &hour_ago)? >= SENDS_PER_EMAIL {
            return Ok(Asked::TooMany);
        }
        let code = new_code();
        let (link, link_hash) = new_token();
        let expires = db::ts(now + Duration::minutes(CODE_MINUTES));
        stored::insert_code(tx, &via, &code_hash(&via.key(), &code), &link_hash, &at, &expires)?;
        let shop = db::settings::get(tx)?;
        outbox::enqueue(tx, &crate::mail::notices::sign_in(&shop, &email, &code, &link, CODE_MINUTES), &at)?;
        Ok(Asked::Sent(email))
    })
    .await
}

/// How signing in went.
#[derive(Debug)]
pub enum SignedIn {
    /// The session's token (for the cookie, shown nowhere else) and the account.
    Yes { token: String, account: Account },
    /// Why not, in words for the page.
    No(String),
}

/// What a code sent to a WhatsApp number came to.
#[derive(Debug)]
pub enum Proven {
    /// Signed in to the number's account.
    SignedIn(SignedIn),
    /// A signed-in customer's account now has their proven number.
    Added(Account),
    /// Proven, but the number is another account's, or this account has another one: why, in words.
    Elsewhere(String),
}

/// An account as the audit log names it: its masked email, or "by WhatsApp".
fn who(a: &Account) -> String {
    if a.email.is_empty() { "by WhatsApp".to_string() } else { mask_email(&a.email) }
}

fn start_session(tx: &rusqlite::Connection, account: Account, now: DateTime<Utc>) -> Result<SignedIn, AppError> {
    let at = db::ts(now);
    let (token, hash) = new_token();
    stored::insert_session(tx, &hash, account.id, &at, &db::ts(now + Duration::days(SESSION_DAYS)))?;
    Actor::customer().record(tx, "account.sign_in", &who(&account), "")?;
    Ok(SignedIn::Yes { token, account })
}

/// Checks a code typed for an address or number. A wrong code counts against it (five and it stops
/// working), against the client address and against the address or number; a used or expired one
/// is refused with a way to ask again. `Ok(Ok(()))`: right, and every code of it is used up.
fn check(
    tx: &rusqlite::Connection,
    via: &Via,
    code: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), String>, AppError> {
    let (at, hour_ago) = (db::ts(now), db::ts(now - Duration::hours(1)));
    let key = format!("account-wrong:{ip}");
    if counters::events_since(tx, &key, &hour_ago)? >= WRONG_PER_CLIENT {
        return Ok(Err("Too many wrong codes from here. Wait an hour, then ask for a new code.".into()));
    }
    let Some(code) = check_code(code) else {
        let from = if matches!(via, Via::Email(_)) { "the email" } else { "the WhatsApp message" };
        return Ok(Err(format!("Enter the 6-digit code from {from}.")));
    };
    let Some((id, hash, wrong)) = stored::live_code(tx, via, &at, MAX_WRONG)? else {
        return Ok(Err("This code has expired, was used already or was mistyped too often. Ask for a new one.".into()));
    };
    if hash != code_hash(&via.key(), &code) {
        stored::count_wrong(tx, id)?;
        let by_address = format!("account-wrong-email:{}", via.key());
        let counts = counters::count_event(tx, &[&key, &by_address], &hour_ago, &at)?;
        // A code guessed wrong too often, or an address guessed at from many places: every
        // live code of the address stops working (an older one is no second chance).
        if wrong + 1 >= MAX_WRONG || counts[1] >= WRONG_PER_EMAIL {
            stored::use_codes(tx, via, &at)?;
            return Ok(Err("That code is not right, and it no longer works. Ask for a new one.".into()));
        }
        let left = MAX_WRONG - wrong - 1;
        return Ok(Err(format!("That code is not right. {left} more tries with this code.")));
    }
    stored::use_codes(tx, via, &at)?;
    Ok(Ok(()))
}

/// Signs in with the code sent to an address. Wrong codes are counted (see [`check`]).
pub async fn with_code(db: &Db, email: &str, code: &str, ip: &str, now: DateTime<Utc>) -> Result<SignedIn, AppError> {
    let Ok(email) = check_email(email) else {
        return Ok(SignedIn::No("Enter the email address the code was sent to.".into()));
    };
    let (code, ip) = (code.to_string(), ip.to_string());
    db.write(move |tx| {
        if let Err(why) = check(tx, &Via::Email(email.clone()), &code, &ip, now)? {
            return Ok(SignedIn::No(why));
        }
        let account = stored::account_for(tx, &email, &db::ts(now))?;
        start_session(tx, account, now)
    })
    .await
}

/// Codes the whole shop sends by WhatsApp in an hour (each is a paid message).
const WHATSAPP_CODES_PER_HOUR: i64 = 60;

/// Whether the shop sends sign-in codes by WhatsApp (the Cloud API is on with a sign-in template).
pub async fn whatsapp_sign_in(db: &Db) -> Result<bool, AppError> {
    db.read(|c| Ok(db::notify::cloud_settings(c)?.sign_in().is_some())).await
}

/// Sends a sign-in code to a WhatsApp number as an authentication template message through the
/// outbox (whether or not the number ever ordered: the answer is the same); throttled like email
/// codes. `Invalid` when the number is not one, or the shop does not send codes by WhatsApp.
pub async fn ask_whatsapp_code(
    db: &Db,
    phone: &str,
    country_code: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Asked, AppError> {
    let invalid = |m: String| Asked::Invalid(FieldErrors::from([("phone", m)]));
    let phone = match crate::domain::shop::normalize_phone(phone, country_code) {
        Ok(p) => p,
        Err(m) => return Ok(invalid(m)),
    };
    let Some(to) = crate::domain::whatsapp_cloud::recipient(&phone) else {
        return Ok(invalid("Enter your WhatsApp number with its country code.".into()));
    };
    let ip = ip.to_string();
    db.write(move |tx| {
        let cloud = db::notify::cloud_settings(tx)?;
        let Some(template) = cloud.sign_in() else {
            return Ok(invalid("This shop sends sign-in codes by email only.".into()));
        };
        let (at, hour_ago) = (db::ts(now), db::ts(now - Duration::hours(1)));
        let via = Via::WhatsApp(phone.clone());
        let client = counters::count_event(tx, &[&format!("account-send:{ip}")], &hour_ago, &at)?[0];
        // Each message is billed by Meta: the whole shop sends at most so many codes an hour.
        let shop_wide = counters::count_event(tx, &["account-whatsapp-codes"], &hour_ago, &at)?[0];
        if client > SENDS_PER_CLIENT
            || shop_wide > WHATSAPP_CODES_PER_HOUR
            || stored::codes_since(tx, &via, &hour_ago)? >= SENDS_PER_EMAIL
        {
            return Ok(Asked::TooMany);
        }
        let code = new_code();
        // Codes by WhatsApp have no link; the column wants a value no one holds.
        let (_, unused_link) = new_token();
        let expires = db::ts(now + Duration::minutes(CODE_MINUTES));
        stored::insert_code(tx, &via, &code_hash(&via.key(), &code), &unused_link, &at, &expires)?;
        let body = crate::domain::whatsapp_cloud::code_message(&to, template, &cloud.language, &code);
        let m = crate::domain::outbox::NewMessage {
            kind: "sign_in_whatsapp".into(),
            to,
            subject: format!("WhatsApp template {template}"),
            text: body.to_string(),
            sensitive: true,
            channel: crate::domain::outbox::Channel::WhatsApp,
            ..Default::default()
        };
        outbox::enqueue(tx, &m, &at)?;
        Ok(Asked::Sent(phone))
    })
    .await
}

/// Proves a WhatsApp number with the code sent to it: signs in to the number's account (made on
/// the first sign-in), or, for a customer signed in already (`current`), adds the number to their
/// account. Either way the seller sees the number as verified, and its orders show in My orders.
pub async fn with_whatsapp_code(
    db: &Db,
    phone: &str,
    code: &str,
    current: Option<Account>,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Proven, AppError> {
    let Some(phone) = Some(phone.trim().to_string()).filter(|p| crate::domain::whatsapp_cloud::recipient(p).is_some())
    else {
        return Ok(Proven::SignedIn(SignedIn::No("Enter the WhatsApp number the code was sent to.".into())));
    };
    let (code, ip) = (code.to_string(), ip.to_string());
    db.write(move |tx| {
        if let Err(why) = check(tx, &Via::WhatsApp(phone.clone()), &code, &ip, now)? {
            return Ok(Proven::SignedIn(SignedIn::No(why)));
        }
        let at = db::ts(now);
        stored::mark_verified(tx, &phone, &at)?;
        match current {
            Some(a) if !a.phone.is_empty() && a.phone != phone => Ok(Proven::Elsewhere(format!(
                "This account has the WhatsApp number {} already. To use another number, sign out and sign in with it.",
                a.phone
            ))),
            Some(mut a) => {
                if !stored::attach_phone(tx, a.id, &phone)? {
                    return Ok(Proven::Elsewhere(
                        "This WhatsApp number belongs to another account. To use it, sign out and sign in with WhatsApp."
                            .into(),
                    ));
                }
                Actor::customer().record(tx, "account.whatsapp", &who(&a), "number verified")?;
                a.phone = phone;
                Ok(Proven::Added(a))
            }
            None => {
                let account = stored::account_for_phone(tx, &phone, &at)?;
                Ok(Proven::SignedIn(start_session(tx, account, now)?))
            }
        }
    })
    .await
}

/// The address a sign-in link stands for, before the customer presses "Sign in"; `None` when it
/// does not work (any more).
pub async fn link_address(db: &Db, token: &str, now: DateTime<Utc>) -> Result<Option<String>, AppError> {
    let hash = hash_token(token);
    db.read(move |c| Ok(stored::link_email(c, &hash, &db::ts(now))?)).await
}

/// Signs in with the link sent to an address (once: it and the code end with it).
pub async fn with_link(db: &Db, token: &str, now: DateTime<Utc>) -> Result<SignedIn, AppError> {
    let hash = hash_token(token);
    db.write(move |tx| {
        let Some(email) = stored::link_email(tx, &hash, &db::ts(now))? else {
            return Ok(SignedIn::No("This sign-in link has expired or was used already. Ask for a new one.".into()));
        };
        let at = db::ts(now);
        stored::use_codes(tx, &Via::Email(email.clone()), &at)?;
        let account = stored::account_for(tx, &email, &at)?;
        start_session(tx, account, now)
    })
    .await
}

/// The account a session cookie belongs to.
pub async fn session(db: &Db, token: &str, now: DateTime<Utc>) -> Result<Option<Account>, AppError> {
    let hash = hash_token(token);
    db.read(move |c| Ok(stored::session_account(c, &hash, &db::ts(now))?)).await
}

pub async fn sign_out(db: &Db, token: &str) -> Result<(), AppError> {
    let hash = hash_token(token);
    db.write(move |tx| Ok(stored::end_session(tx, &hash)?)).await
}

/// Ends every session of the account (a lost phone); returns how many.
pub async fn sign_out_everywhere(db: &Db, account: &Account) -> Result<usize, AppError> {
    let (id, email) = (account.id, account.email.clone());
    db.write(move |tx| {
        let n = stored::end_sessions(tx, id)?;
        Actor::customer().record(tx, "account.sign_out_everywhere", &mask_email(&email), &format!("{n} session(s)"))?;
        Ok(n)
    })
    .await
}

/// What the account page shows.
#[derive(Debug, Clone)]
pub struct Overview {
    pub orders: Vec<MyOrder>,
    pub addresses: Vec<(i64, Address)>,
}

pub async fn overview(db: &Db, account: &Account) -> Result<Overview, AppError> {
    let a = account.clone();
    db.read(move |c| Ok(Overview { orders: stored::orders(c, &a, 200)?, addresses: stored::addresses(c, a.id)? })).await
}

/// Every order the account sees (the JSON API's answer).
pub async fn orders(db: &Db, account: &Account) -> Result<Vec<MyOrder>, AppError> {
    let a = account.clone();
    db.read(move |c| Ok(stored::orders(c, &a, 500)?)).await
}

/// A new manage link to one of the account's orders (its page opens with it); `None` when the
/// order is not theirs.
pub async fn open_order(
    db: &Db,
    account: &Account,
    code: &str,
    base: &str,
    default_days: i64,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    let (a, code, base) = (account.clone(), code.to_string(), base.to_string());
    db.write(move |tx| {
        let Some(id) = stored::own_order(tx, &a, &code)? else { return Ok(None) };
        let link = db::notify::new_order_link(tx, id, default_days, now)?;
        Ok(link.map(|(code, token)| format!("{base}/o/{code}?t={token}")))
    })
    .await
}

/// The SKUs and quantities of one of the account's orders, to put in the cart again; `None` when
/// the order is not theirs.
pub async fn reorder_lines(db: &Db, account: &Account, code: &str) -> Result<Option<Vec<(String, i64)>>, AppError> {
    let (a, code) = (account.clone(), code.to_string());
    db.read(move |c| {
        let Some(id) = stored::own_order(c, &a, &code)? else { return Ok(None) };
        Ok(Some(db::orders::lines(c, id)?.into_iter().map(|l| (l.sku, l.quantity)).collect()))
    })
    .await
}

/// Saves an address (street and city needed); field messages otherwise.
pub async fn add_address(
    db: &Db,
    account: &Account,
    input: &crate::domain::order_edit::CustomerInput,
    now: DateTime<Utc>,
) -> Result<Result<(), FieldErrors>, AppError> {
    let current = crate::domain::order_edit::CustomerEdit {
        name: String::new(),
        phone: String::new(),
        email: String::new(),
        address: Address::default(),
    };
    let checked = match crate::domain::order_edit::check_customer(input, &current, false, "") {
        Ok(c) => c.address,
        Err(e) => return Ok(Err(e)),
    };
    let mut errors = FieldErrors::new();
    if checked.line1.is_empty() {
        errors.insert("line1", "Enter the street and house number.".into());
    }
    if checked.city.is_empty() {
        errors.insert("city", "Enter the town or city.".into());
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let id = account.id;
    db.write(move |tx| Ok(stored::add_address(tx, id, &checked, &db::ts(now))?)).await?;
    Ok(Ok(()))
}

pub async fn delete_address(db: &Db, account: &Account, address_id: i64) -> Result<bool, AppError> {
    let id = account.id;
    db.write(move |tx| Ok(stored::delete_address(tx, id, address_id)?)).await
}

/// What the checkout starts with for a signed-in customer: their email and their first saved
/// address. Nothing from earlier orders: anyone can place an order with someone's email.
#[derive(Debug, Clone, Default)]
pub struct Prefill {
    pub email: String,
    pub address: Option<Address>,
}

pub async fn prefill(db: &Db, account: &Account) -> Result<Prefill, AppError> {
    let a = account.clone();
    db.read(move |c| {
        let saved = stored::addresses(c, a.id)?.into_iter().next().map(|(_, addr)| addr);
        Ok(Prefill { email: a.email.clone(), address: saved })
    })
    .await
}

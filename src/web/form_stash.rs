//! The checkout form as typed, kept in memory between a post that placed nothing and the page it
//! redirects to (post/redirect/get, issue 11), so the browser's Back button never asks to send
//! the form again. Found by a random id in an HttpOnly cookie; the messages are shown once, the
//! typed values for as long as the entry lives (Back to the checkout still has them).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use parking_lot::Mutex;

use crate::domain::FieldErrors;
use crate::domain::checkout::CheckoutInput;

/// How long typed values are kept after the last post.
pub const KEEP_MINUTES: i64 = 30;
/// At most this many bytes of typed text are kept in all; the oldest entries go first beyond it.
const BUDGET_BYTES: usize = 8 << 20;
/// A field longer than this is kept cut (none is allowed so long; its message says so).
const FIELD_CHARS: usize = 1_000;

/// What a post that placed nothing leaves for the page it redirects to.
#[derive(Debug, Clone, Default)]
pub struct Stashed {
    pub input: CheckoutInput,
    /// Messages by field (`cart` for the whole form), shown once.
    pub errors: FieldErrors,
    /// What changed in the cart since the form was shown, shown once.
    pub notes: Vec<String>,
}

struct Entry {
    stashed: Stashed,
    seq: u64,
    bytes: usize,
    expires: DateTime<Utc>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// Ids by age (the sequence of their last post), oldest first.
    order: BTreeMap<u64, String>,
    next: u64,
    bytes: usize,
}

impl Inner {
    fn remove(&mut self, id: &str) {
        if let Some(e) = self.entries.remove(id) {
            self.order.remove(&e.seq);
            self.bytes -= e.bytes;
        }
    }
}

/// The kept checkout forms of every browser.
#[derive(Default)]
pub struct FormStash {
    inner: Mutex<Inner>,
}

fn cut(s: &mut String) {
    if let Some((at, _)) = s.char_indices().nth(FIELD_CHARS) {
        s.truncate(at);
    }
}

fn size(s: &Stashed) -> usize {
    let i = &s.input;
    [
        &i.name,
        &i.phone,
        &i.email,
        &i.delivery,
        &i.line1,
        &i.line2,
        &i.city,
        &i.region,
        &i.postal_code,
        &i.country,
        &i.payment,
        &i.discount_code,
        &i.note,
        &i.key,
    ]
    .iter()
    .map(|f| f.len())
    .sum::<usize>()
        + s.errors.values().map(String::len).sum::<usize>()
        + s.notes.iter().map(String::len).sum::<usize>()
        + 64
}

impl FormStash {
    /// Keeps `stashed` under a new id, which is returned; `replaces` (the browser's previous id) is
    /// forgotten. Bots' honeypot and the Apply flag are not kept.
    pub fn put(&self, replaces: Option<&str>, mut stashed: Stashed, now: DateTime<Utc>) -> String {
        let i = &mut stashed.input;
        i.website.clear();
        i.apply.clear();
        for f in [
            &mut i.name,
            &mut i.phone,
            &mut i.email,
            &mut i.delivery,
            &mut i.line1,
            &mut i.line2,
            &mut i.city,
            &mut i.region,
            &mut i.postal_code,
            &mut i.country,
            &mut i.payment,
            &mut i.discount_code,
            &mut i.note,
            &mut i.key,
        ] {
            cut(f);
        }
        let id = hex::encode(rand::random::<[u8; 16]>());
        let bytes = size(&stashed);
        let mut inner = self.inner.lock();
        if let Some(old) = replaces {
            inner.remove(old);
        }
        while inner.bytes + bytes > BUDGET_BYTES {
            let Some((_, oldest)) = inner.order.pop_first() else { break };
            inner.remove(&oldest);
        }
        inner.next += 1;
        let seq = inner.next;
        inner.order.insert(seq, id.clone());
        inner.bytes += bytes;
        let expires = now + Duration::minutes(KEEP_MINUTES);
        inner.entries.insert(id.clone(), Entry { stashed, seq, bytes, expires });
        id
    }

    /// What was kept under `id`, unless expired. Its messages and notes are handed out this once;
    /// the typed values stay until the entry expires or is removed.
    pub fn view(&self, id: &str, now: DateTime<Utc>) -> Option<Stashed> {
        let mut inner = self.inner.lock();
        // Expired entries go whenever one is looked at (the oldest first: each lives as long).
        while let Some((_, oldest)) = inner.order.first_key_value() {
            let oldest = oldest.clone();
            if inner.entries.get(&oldest).is_some_and(|e| e.expires > now) {
                break;
            }
            inner.remove(&oldest);
        }
        let entry = inner.entries.get_mut(id)?;
        let shown = entry.stashed.clone();
        entry.stashed.errors.clear();
        entry.stashed.notes.clear();
        Some(shown)
    }

    /// Forgets what was kept under `id` (the order was placed).
    pub fn remove(&self, id: &str) {
        self.inner.lock().remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(name: &str) -> Stashed {
        Stashed {
            input: CheckoutInput { name: name.into(), website: "spam".into(), ..Default::default() },
            errors: FieldErrors::from([("phone", "Enter a phone number.".to_string())]),
            notes: vec!["Canvas Tote sold out and was removed.".into()],
        }
    }

    /// Issue 11: the messages are shown once, the typed values until they expire.
    #[test]
    fn messages_once_typed_values_until_they_expire() {
        let stash = FormStash::default();
        let now = Utc::now();
        let id = stash.put(None, typed("Asha"), now);
        let first = stash.view(&id, now).unwrap();
        assert_eq!((first.input.name.as_str(), first.input.website.as_str()), ("Asha", ""));
        assert_eq!((first.errors.len(), first.notes.len()), (1, 1));
        let again = stash.view(&id, now).unwrap();
        assert_eq!(again.input.name, "Asha", "Back to the checkout still has the typed values");
        assert!(again.errors.is_empty() && again.notes.is_empty(), "the messages were shown");
        assert!(stash.view(&id, now + Duration::minutes(KEEP_MINUTES + 1)).is_none());
        assert!(stash.view("nope", now).is_none());
    }

    #[test]
    fn a_new_post_replaces_the_old_entry_and_placing_removes_it() {
        let stash = FormStash::default();
        let now = Utc::now();
        let first = stash.put(None, typed("Asha"), now);
        let second = stash.put(Some(&first), typed("Ravi"), now);
        assert_ne!(first, second);
        assert!(stash.view(&first, now).is_none());
        stash.remove(&second);
        assert!(stash.view(&second, now).is_none());
        assert_eq!(stash.inner.lock().bytes, 0);
    }

    #[test]
    fn long_fields_are_cut_and_the_oldest_entries_go_beyond_the_budget() {
        let stash = FormStash::default();
        let now = Utc::now();
        let long =
            Stashed { input: CheckoutInput { note: "x".repeat(50_000), ..Default::default() }, ..Default::default() };
        let ids: Vec<String> =
            (0..(BUDGET_BYTES / FIELD_CHARS) + 10).map(|_| stash.put(None, long.clone(), now)).collect();
        assert_eq!(stash.view(ids.last().unwrap(), now).unwrap().input.note.len(), FIELD_CHARS);
        assert!(stash.view(&ids[0], now).is_none(), "the oldest went");
        assert!(stash.inner.lock().bytes <= BUDGET_BYTES);
    }
}

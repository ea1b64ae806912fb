//! Keys and attribute maps of the single DynamoDB table (see `infra/dynamodb-table.json`).

use crate::record::{due_key, instant_text, AppointmentRecord};
use aws_sdk_dynamodb::types::AttributeValue;
use rantevou_domain::ids::{AppointmentId, ProviderId};
use rantevou_domain::ports::StoreError;
use rantevou_domain::{LockMonth, SlotLock};
use std::collections::HashMap;

/// An item: attribute names to values.
pub type Item = HashMap<String, AttributeValue>;

/// Partition key attribute.
pub const PK: &str = "PK";
/// Sort key attribute.
pub const SK: &str = "SK";
/// Index partition key: `PROV#<provider>#<yyyy-mm-dd>` (UTC day of the start).
pub const GSI1PK: &str = "GSI1PK";
/// Index sort key: `<start>#<id>`.
pub const GSI1SK: &str = "GSI1SK";
/// The index of appointments by provider and day.
pub const GSI1: &str = "GSI1";
/// Sparse index partition key, present only while mail is queued: [`PENDING_MAIL`].
pub const GSI2PK: &str = "GSI2PK";
/// Sparse index sort key: `<due, Unix seconds>#<id>`, the longest due first.
pub const GSI2SK: &str = "GSI2SK";
/// The sparse index of appointments with mail to send.
pub const GSI2: &str = "GSI2";
/// The one partition of that index.
pub const PENDING_MAIL: &str = "MAIL#PENDING";

/// Sparse index partition key, present on appointments with a patron key: `PATRON#<key>`.
pub const GSI3PK: &str = "GSI3PK";
/// Its sort key: `<start>#<id>`.
pub const GSI3SK: &str = "GSI3SK";
/// The sparse index of appointments by patron.
pub const GSI3: &str = "GSI3";

/// The GSI2 sort key of an appointment whose mail is due at `due`.
pub fn pending_sk(record: &AppointmentRecord, due: i64) -> String {
    due_key(due, &record.id)
}

/// `APPT#<id>`
pub fn appointment_pk(id: &AppointmentId) -> String {
    format!("APPT#{id}")
}
/// Sort key of an appointment item.
pub const APPOINTMENT_SK: &str = "APPT";

/// `LOCK#<provider>#<yyyy-mm>`: one partition per provider and month.
pub fn lock_pk(provider: &ProviderId, month: LockMonth) -> String {
    format!("LOCK#{provider}#{month}")
}

/// The lock's sort key: its start, RFC 3339 UTC (text order is time order).
pub fn lock_sk(lock: &SlotLock) -> String {
    instant_text(lock.start)
}

/// Sort key of a provider-month's calendar item, in the lock partition beside the locks (their
/// sort keys are instants, which begin with a digit).
pub const CALENDAR_SK: &str = "CALENDAR";

/// The calendar item's busy lock units: a number set of Unix seconds (absent when none).
pub const BUSY: &str = "busy";

/// `CALSTATUS#<provider>`: how a provider's calendar reads went.
pub fn calendar_status_pk(provider: &ProviderId) -> String {
    format!("CALSTATUS#{provider}")
}
/// Sort key of a calendar status.
pub const CALENDAR_STATUS_SK: &str = "STATUS";

/// A lock's attribute while its appointment is held: when the hold lapses (Unix seconds); from
/// then on the lock is free.
pub const HELD_UNTIL: &str = "held_until";

/// `IDEM#<digest of the key>`
pub fn idempotency_pk(key_digest: &str) -> String {
    format!("IDEM#{key_digest}")
}
/// Sort key of an idempotency item.
pub const IDEMPOTENCY_SK: &str = "IDEM";

/// `PATRON#<keyed digest of the normalised email>`: a patron's places (`p0`, `p1`, …).
pub fn patron_pk(key: &str) -> String {
    format!("PATRON#{key}")
}
/// Sort key of a patron item.
pub const PATRON_SK: &str = "ACTIVE";

/// `CHALLENGE#<challenge>`: a bot check's challenge, used once.
pub fn challenge_pk(challenge: &str) -> String {
    format!("CHALLENGE#{challenge}")
}
/// Sort key of a used challenge.
pub const CHALLENGE_SK: &str = "USED";

/// `RESEND#<patron key>`: when a patron's links were last mailed again (until when another
/// resend waits).
pub fn resend_pk(patron: &str) -> String {
    format!("RESEND#{patron}")
}
/// Sort key of a resend mark.
pub const RESEND_SK: &str = "LAST";

/// Partition key of what is known of an address that bounced or complained.
pub fn suppress_pk(patron_key: &str) -> String {
    format!("SUPPRESS#{patron_key}")
}
/// Sort key of a suppression.
pub const SUPPRESS_SK: &str = "SUPPRESS";

/// Key of the configuration item.
pub const CONFIG_PK: &str = "CONFIG";
/// Sort key of the configuration item.
pub const CONFIG_SK: &str = "LIBRARY";

/// A key map.
pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(pk.into())),
        (SK.to_owned(), AttributeValue::S(sk.into())),
    ])
}

/// The attributes of a record's fields (a struct that serializes as a JSON object); `null`
/// fields are left out when `skip_null`.
pub fn fields_item<T: serde::Serialize>(record: &T, skip_null: bool) -> Result<Item, StoreError> {
    let json = serde_json::to_value(record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let serde_json::Value::Object(fields) = json else {
        return Err(StoreError::Corrupt("record is not an object".into()));
    };
    Ok(fields
        .into_iter()
        .filter(|(_, v)| !(skip_null && v.is_null()))
        .map(|(k, v)| (k, to_attribute(v)))
        .collect())
}

/// A record read back from `item`'s attributes, `keys` (the key attributes) left out;
/// anything unexpected is [`StoreError::Corrupt`] naming `what`.
pub fn from_fields<T: serde::de::DeserializeOwned>(
    mut item: Item,
    keys: &[&str],
    what: &str,
) -> Result<T, StoreError> {
    for k in keys {
        item.remove(*k);
    }
    let fields = item
        .into_iter()
        .map(|(k, v)| Ok((k, from_attribute(v)?)))
        .collect::<Result<serde_json::Map<_, _>, StoreError>>()?;
    serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// The full item of an appointment: keys, index keys, and the record's fields.
pub fn appointment_item(
    record: &AppointmentRecord,
    id: &AppointmentId,
) -> Result<Item, StoreError> {
    let mut item = fields_item(record, false)?;
    item.extend(key(appointment_pk(id), APPOINTMENT_SK));
    let day = record.start.get(..10).unwrap_or(&record.start);
    item.insert(
        GSI1PK.into(),
        AttributeValue::S(format!("PROV#{}#{day}", record.provider)),
    );
    item.insert(
        GSI1SK.into(),
        AttributeValue::S(format!("{}#{}", record.start, record.id)),
    );
    if let Some(patron) = &record.patron_key {
        item.insert(GSI3PK.into(), AttributeValue::S(patron_pk(patron)));
        item.insert(
            GSI3SK.into(),
            AttributeValue::S(format!("{}#{}", record.start, record.id)),
        );
    }
    if let (true, Some(due)) = (record.in_mail_queue(), record.mail_due) {
        item.insert(GSI2PK.into(), AttributeValue::S(PENDING_MAIL.into()));
        item.insert(GSI2SK.into(), AttributeValue::S(pending_sk(record, due)));
    }
    Ok(item)
}

/// Reads an appointment item back; anything unexpected is [`StoreError::Corrupt`].
pub fn record_from_item(item: Item) -> Result<AppointmentRecord, StoreError> {
    let keys = [PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, GSI3PK, GSI3SK];
    from_fields(item, &keys, "appointment item")
}

/// JSON → attribute: strings, numbers, booleans, null, lists and maps.
pub fn to_attribute(v: serde_json::Value) -> AttributeValue {
    use serde_json::Value;
    match v {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s),
        Value::Array(a) => AttributeValue::L(a.into_iter().map(to_attribute).collect()),
        Value::Object(o) => {
            AttributeValue::M(o.into_iter().map(|(k, v)| (k, to_attribute(v))).collect())
        }
    }
}

/// Attribute → JSON; sets and binaries never appear in our items and are refused.
pub fn from_attribute(v: AttributeValue) -> Result<serde_json::Value, StoreError> {
    use serde_json::Value;
    Ok(match v {
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::Bool(b) => Value::Bool(b),
        AttributeValue::N(n) => {
            let number = n
                .parse::<i64>()
                .map(serde_json::Number::from)
                .ok()
                .or_else(|| n.parse::<f64>().ok().and_then(serde_json::Number::from_f64))
                .ok_or_else(|| StoreError::Corrupt("number attribute".into()))?;
            Value::Number(number)
        }
        AttributeValue::S(s) => Value::String(s),
        AttributeValue::L(l) => Value::Array(
            l.into_iter()
                .map(from_attribute)
                .collect::<Result<_, _>>()?,
        ),
        AttributeValue::M(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| Ok((k, from_attribute(v)?)))
                .collect::<Result<_, StoreError>>()?,
        ),
        _ => return Err(StoreError::Corrupt("unexpected attribute type".into())),
    })
}

/// A string attribute of an item, or `Corrupt`.
pub fn string_attr<'a>(item: &'a Item, name: &str) -> Result<&'a str, StoreError> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
        .ok_or_else(|| StoreError::Corrupt(format!("attribute {name}")))
}

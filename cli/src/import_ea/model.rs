//! What Easy!Appointments 1.6.0's REST API answers, as far as an import reads it. Datetimes
//! are naive local times in its `default_timezone`, as `YYYY-MM-DD HH:MM:SS`.

use serde::Deserialize;
use std::collections::BTreeMap;

/// Everything read from one installation.
#[derive(Debug, Clone)]
pub struct Ea {
    pub settings: Vec<Setting>,
    pub categories: Vec<Category>,
    pub services: Vec<Service>,
    pub providers: Vec<Provider>,
    pub customers: Vec<Customer>,
    pub appointments: Vec<Appointment>,
    pub unavailabilities: Vec<Unavailability>,
    pub blocked_periods: Vec<BlockedPeriod>,
}

impl Ea {
    /// The setting `name`'s value, if set and not empty.
    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.value.as_deref())
            .filter(|v| !v.trim().is_empty())
    }

    /// Whether the setting `name` is `"1"`.
    pub fn flag(&self, name: &str) -> bool {
        self.setting(name) == Some("1")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Setting {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub duration: Option<i64>,
    #[serde(default)]
    pub price: serde_json::Value,
    pub description: Option<String>,
    pub location: Option<String>,
    pub slot_interval: Option<i64>,
    pub attendants_number: Option<i64>,
    #[serde(default)]
    pub is_private: bool,
    pub service_category_id: Option<i64>,
}

impl Service {
    /// Its price, when it has one above nothing.
    pub fn price(&self) -> Option<f64> {
        let price = match &self.price {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        price.filter(|p| *p > 0.0)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub timezone: Option<String>,
    #[serde(default)]
    pub services: Vec<i64>,
    pub settings: ProviderSettings,
}

impl Provider {
    /// "first last", as EA shows it.
    pub fn name(&self) -> String {
        full_name(&self.first_name, &self.last_name)
    }
}

/// "first last" of two optional parts.
pub fn full_name(first: &Option<String>, last: &Option<String>) -> String {
    [first, last]
        .iter()
        .filter_map(|p| p.as_deref().map(str::trim))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSettings {
    pub username: Option<String>,
    /// Per weekday (`monday` …), `null` for a day off.
    #[serde(default)]
    pub working_plan: BTreeMap<String, Option<Day>>,
    #[serde(default)]
    pub working_plan_exceptions: Vec<Exception>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Day {
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub breaks: Vec<Range>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Range {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exception {
    pub id: Option<i64>,
    pub start_date: String,
    pub end_date: String,
    /// `null`: a day off.
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    #[serde(default)]
    pub breaks: Vec<Range>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Option<String>,
    pub custom_field1: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: i64,
    pub book: Option<String>,
    pub start: String,
    pub end: String,
    pub status: Option<String>,
    pub notes: Option<String>,
    pub customer_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub service_id: Option<i64>,
    pub meeting_link: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unavailability {
    pub id: i64,
    pub start: String,
    pub end: String,
    pub notes: Option<String>,
    pub provider_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BlockedPeriod {
    pub id: i64,
    pub name: Option<String>,
    pub start: String,
    pub end: String,
}

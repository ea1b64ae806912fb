//! The service's metrics in AWS: CloudWatch's embedded metric format, one JSON line on
//! standard output per count, which CloudWatch Logs turns into a metric of the `rantevou`
//! namespace (no dimensions: one figure for the whole library). No personal data: a name, a
//! count and a time.

use rantevou_domain::ports::{Clock, Metric, Metrics};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// The namespace the dashboard and the alarms read.
pub const NAMESPACE: &str = "rantevou";

/// Counts as embedded-metric-format lines written to `out` (standard output in a Lambda).
pub struct Emf<W: Write + Send> {
    clock: Arc<dyn Clock>,
    out: Mutex<W>,
}

impl Emf<std::io::Stdout> {
    /// To standard output, where Lambda's logs are read.
    pub fn stdout(clock: Arc<dyn Clock>) -> Self {
        Emf::to(clock, std::io::stdout())
    }
}

impl<W: Write + Send> Emf<W> {
    /// To `out`.
    pub fn to(clock: Arc<dyn Clock>, out: W) -> Self {
        Emf {
            clock,
            out: Mutex::new(out),
        }
    }

    /// The line of `n` of `metric` at the clock's now.
    pub fn line(&self, metric: Metric, n: u64) -> String {
        let name = metric.name();
        let millis = self.clock.now().timestamp_millis();
        format!(
            r#"{{"_aws":{{"Timestamp":{millis},"CloudWatchMetrics":[{{"Namespace":"{NAMESPACE}","Dimensions":[[]],"Metrics":[{{"Name":"{name}","Unit":"Count"}}]}}]}},"{name}":{n}}}"#
        )
    }
}

impl<W: Write + Send> Metrics for Emf<W> {
    fn count(&self, metric: Metric, n: u64) {
        let line = self.line(metric, n);
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        // A metric lost to a closed stdout must not fail the request.
        let _ = writeln!(out, "{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_count_is_one_embedded_metric_format_line() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        let emf = Emf::to(crate::clock::pinned(at), Vec::new());
        emf.count(Metric::Bookings, 1);
        emf.count(Metric::WaitlistNotices, 3);
        let out = String::from_utf8(emf.out.into_inner().unwrap()).unwrap();
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        let first = &lines[0];
        assert_eq!(first["_aws"]["Timestamp"], at.timestamp_millis());
        let directive = &first["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "rantevou");
        assert_eq!(directive["Dimensions"], serde_json::json!([[]]));
        assert_eq!(directive["Metrics"][0]["Name"], "Bookings");
        assert_eq!(first["Bookings"], 1);
        assert_eq!(lines[1]["WaitlistNotices"], 3);
    }
}

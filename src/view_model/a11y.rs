//! Names for assistive technology: a span's fields in; the accessible name of its
//! waterfall row ("service, operation, duration, status") out.

use crate::model::StatusCode;

/// The accessible name of a waterfall row, e.g. `"api, GET /users, 12.3 ms, error"`.
/// An unset status reads "status unset".
pub fn row_name(service: &str, operation: &str, duration: &str, status: StatusCode) -> String {
    let status = match status {
        StatusCode::Unset => "status unset",
        other => other.as_str(),
    };
    format!("{service}, {operation}, {duration}, {status}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_names_read_service_operation_duration_status() {
        assert_eq!(row_name("api", "GET /users", "12.3 ms", StatusCode::Error), "api, GET /users, 12.3 ms, error");
        assert_eq!(row_name("db", "SELECT", "4 µs", StatusCode::Ok), "db, SELECT, 4 µs, ok");
        assert_eq!(row_name("web", "render", "1.20 s", StatusCode::Unset), "web, render, 1.20 s, status unset");
    }
}

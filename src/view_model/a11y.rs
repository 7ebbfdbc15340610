//! Names and moves for assistive technology: a span's fields in, the accessible name of
//! its waterfall row ("service, operation, duration, status") out; a key in a tab list,
//! the tab it moves to out.

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

/// The tab a key moves to in a tab list of `n` tabs with `cur` selected, as in the ARIA
/// tabs pattern (← and → wrap, Home and End); `None` for any other key.
pub fn tab_step(key: &str, cur: usize, n: usize) -> Option<usize> {
    if n == 0 {
        return None;
    }
    match key {
        "ArrowRight" => Some((cur + 1) % n),
        "ArrowLeft" => Some((cur + n - 1) % n),
        "Home" => Some(0),
        "End" => Some(n - 1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_keys_wrap_and_jump() {
        assert_eq!(tab_step("ArrowRight", 1, 2), Some(0));
        assert_eq!(tab_step("ArrowLeft", 0, 3), Some(2));
        assert_eq!(tab_step("End", 0, 3), Some(2));
        assert_eq!(tab_step("Home", 2, 3), Some(0));
        assert_eq!(tab_step("Enter", 0, 3), None);
        assert_eq!(tab_step("ArrowRight", 0, 0), None);
    }

    #[test]
    fn row_names_read_service_operation_duration_status() {
        assert_eq!(row_name("api", "GET /users", "12.3 ms", StatusCode::Error), "api, GET /users, 12.3 ms, error");
        assert_eq!(row_name("db", "SELECT", "4 µs", StatusCode::Ok), "db, SELECT, 4 µs, ok");
        assert_eq!(row_name("web", "render", "1.20 s", StatusCode::Unset), "web, render, 1.20 s, status unset");
    }
}

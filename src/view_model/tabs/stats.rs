//! The stats tab's data: the rows of `analysis::stats` for a scope and grouping, a sort
//! and a row window in; the window's rows as display text out. Its charts (self time by
//! service, the latency histogram of one operation) come as SVG text, themed; the whole
//! table as CSV ([`csv`]).

use serde::{Deserialize, Serialize};

use crate::analysis::chart_theme::ChartTheme;
use crate::analysis::charts::{latency_histogram_svg, self_time_by_service_svg};
use crate::analysis::stats::{Scope, SortDir, StatColumn, StatRow};
use crate::format;
use crate::view_model::csv::to_csv;
use crate::view_model::list_window::RowRange;
use crate::view_model::tabs::table::{window_of, TableCell, TableColumn, TableRow, TableWindow};

/// What the stats table asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatsRequest {
    /// One trace, or every loaded trace (`None`).
    pub scope: Option<usize>,
    /// By service + operation, else by service.
    pub by_operation: bool,
    /// Index into `StatColumn::ALL`.
    pub sort: usize,
    pub ascending: bool,
    pub rows: RowRange,
}

/// What the stats charts ask for: the table's scope, grouping and sort (the histogram
/// shows the first row's operation unless one is chosen) and the theme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatsChartsRequest {
    pub scope: Option<usize>,
    pub by_operation: bool,
    pub sort: usize,
    pub ascending: bool,
    /// The (service, operation) chosen by a row click.
    pub histogram_of: Option<(String, String)>,
    pub dark: bool,
}

/// The two charts as SVG text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatsCharts {
    pub self_time_svg: String,
    /// `None` when no span has an operation.
    pub histogram_svg: Option<String>,
}

/// The analysis scope of a request.
pub fn scope(trace: Option<usize>) -> Scope {
    trace.map(Scope::Trace).unwrap_or(Scope::All)
}

/// The sort of a request: column and direction.
pub fn sort_of(sort: usize, ascending: bool) -> (StatColumn, SortDir) {
    let col = StatColumn::ALL.get(sort).copied().unwrap_or(StatColumn::SelfSum);
    (col, if ascending { SortDir::Asc } else { SortDir::Desc })
}

/// The columns shown: all, without `operation` when grouped by service.
pub fn columns(by_operation: bool) -> Vec<StatColumn> {
    StatColumn::ALL.iter().copied().filter(|c| by_operation || *c != StatColumn::Operation).collect()
}

/// A column's header for the table.
pub fn column_head(c: StatColumn) -> TableColumn {
    match c {
        StatColumn::Service => TableColumn::new(c.label(), false, 150),
        StatColumn::Operation => TableColumn::new(c.label(), false, 230),
        StatColumn::Count | StatColumn::Errors => TableColumn::new(c.label(), true, 72),
        _ => TableColumn::new(c.label(), true, 88),
    }
}

/// The text of one cell.
pub fn cell_text(col: StatColumn, r: &StatRow) -> String {
    let d = format::duration;
    match col {
        StatColumn::Service => r.service.clone(),
        StatColumn::Operation => r.operation.clone(),
        StatColumn::Count => format::thousands(r.total.count),
        StatColumn::Errors => format::thousands(r.errors),
        StatColumn::TotalSum => d(r.total.sum_ns),
        StatColumn::TotalMean => d(r.total.mean_ns.round() as u64),
        StatColumn::TotalP50 => d(r.total.p50_ns),
        StatColumn::TotalP95 => d(r.total.p95_ns),
        StatColumn::TotalP99 => d(r.total.p99_ns),
        StatColumn::TotalMax => d(r.total.max_ns),
        StatColumn::SelfSum => d(r.self_time.sum_ns),
        StatColumn::SelfMean => d(r.self_time.mean_ns.round() as u64),
        StatColumn::SelfP50 => d(r.self_time.p50_ns),
        StatColumn::SelfP95 => d(r.self_time.p95_ns),
        StatColumn::SelfP99 => d(r.self_time.p99_ns),
        StatColumn::SelfMax => d(r.self_time.max_ns),
    }
}

/// The table's answer for `req` from the rows sorted as it asks.
pub fn answer(sorted: &[StatRow], req: &StatsRequest) -> TableWindow {
    let cols = columns(req.by_operation);
    window_of(sorted, req.rows, |_, r| TableRow {
        cells: cols
            .iter()
            .map(|&c| if matches!(c, StatColumn::Service | StatColumn::Operation) { TableCell::name(cell_text(c, r)) } else { TableCell::num(cell_text(c, r)) })
            .collect(),
        span: None,
        // Rows by operation can be chosen for the histogram.
        key: if req.by_operation { vec![r.service.clone(), r.operation.clone()] } else { Vec::new() },
    })
}

/// The whole table, sorted and grouped as shown, as CSV (formula-safe cells). Counts are
/// plain integers and times plain numbers in ms (`total_sum_ms`, ...), so a spreadsheet can
/// add them.
pub fn csv(sorted: &[StatRow], by_operation: bool) -> String {
    let cols = columns(by_operation);
    let header: Vec<String> = cols
        .iter()
        .map(|&c| match c {
            StatColumn::Service | StatColumn::Operation | StatColumn::Count | StatColumn::Errors => c.label().to_string(),
            _ => format!("{}_ms", c.label().replace(' ', "_")),
        })
        .collect();
    let ms = |ns: u64| format!("{:.3}", ns as f64 / 1e6);
    let mean = |ns: f64| format!("{:.3}", ns / 1e6);
    let body: Vec<Vec<String>> = sorted
        .iter()
        .map(|r| {
            cols.iter()
                .map(|&c| match c {
                    StatColumn::Service => r.service.clone(),
                    StatColumn::Operation => r.operation.clone(),
                    StatColumn::Count => r.total.count.to_string(),
                    StatColumn::Errors => r.errors.to_string(),
                    StatColumn::TotalSum => ms(r.total.sum_ns),
                    StatColumn::TotalMean => mean(r.total.mean_ns),
                    StatColumn::TotalP50 => ms(r.total.p50_ns),
                    StatColumn::TotalP95 => ms(r.total.p95_ns),
                    StatColumn::TotalP99 => ms(r.total.p99_ns),
                    StatColumn::TotalMax => ms(r.total.max_ns),
                    StatColumn::SelfSum => ms(r.self_time.sum_ns),
                    StatColumn::SelfMean => mean(r.self_time.mean_ns),
                    StatColumn::SelfP50 => ms(r.self_time.p50_ns),
                    StatColumn::SelfP95 => ms(r.self_time.p95_ns),
                    StatColumn::SelfP99 => ms(r.self_time.p99_ns),
                    StatColumn::SelfMax => ms(r.self_time.max_ns),
                })
                .collect()
        })
        .collect();
    to_csv(&header, &body)
}

/// Chart colors matching the app's theme variables.
pub fn chart_theme(dark: bool) -> ChartTheme {
    let (fg, bg, grid, palette): (&str, &str, &str, [&str; 6]) = if dark {
        ("#e4e8f0", "#14171d", "#323949", ["#5b8cff", "#40c057", "#f59f00", "#f06595", "#b197fc", "#66d9e8"])
    } else {
        ("#1d2330", "#ffffff", "#d9dde5", ["#2563eb", "#2b8a3e", "#b45309", "#c2255c", "#7048e8", "#0c8599"])
    };
    ChartTheme { fg: fg.into(), bg: bg.into(), grid: grid.into(), palette: palette.iter().map(|c| c.to_string()).collect() }
}

/// The charts for `req`. `sorted` are the table's rows as sorted; `by_operation` the
/// rows grouped by operation (for the histogram's default when grouped by service).
pub fn charts(
    set: &crate::model::TraceSet,
    req: &StatsChartsRequest,
    sorted: &[StatRow],
    by_operation: impl FnOnce() -> Option<(String, String)>,
) -> StatsCharts {
    let theme = chart_theme(req.dark);
    let scope = scope(req.scope);
    let self_time_svg = self_time_by_service_svg(set, scope, &theme, 640, 15);
    // The histogram's operation: the chosen one, else the first row's, else the one
    // with the most total time.
    let op = req
        .histogram_of
        .clone()
        .filter(|(_, o)| !o.is_empty())
        .or_else(|| sorted.first().filter(|r| !r.operation.is_empty()).map(|r| (r.service.clone(), r.operation.clone())))
        .or_else(by_operation);
    let histogram_svg = op.map(|(svc, op)| latency_histogram_svg(set, &svc, &op, &theme, 640, 300, 30));
    StatsCharts { self_time_svg, histogram_svg }
}

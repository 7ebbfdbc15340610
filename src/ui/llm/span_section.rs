//! The LLM section of the span detail panel: a span in; its call's facts (model,
//! tokens, cost, latency, finish, settings) and its prompt and completion as
//! collapsible plain text out.

use leptos::prelude::*;

use crate::analysis::llm::call::{span_call, CostSource};
use crate::analysis::llm::chat::{span_messages, Direction};
use crate::view_model::llm_text;
use crate::format;
use crate::ui::llm::prices::prices;
use crate::ui::state::AppState;

/// The LLM section of the span detail panel: the call's facts and its prompt and
/// completion as collapsible chat text (plain text nodes). Empty for spans that are
/// neither calls nor carry messages.
#[component]
pub fn LlmSpanSection(span: u32) -> impl IntoView {
    let app = use_context::<AppState>();
    let table = prices();
    move || {
        let app = app?;
        app.loaded.with(|l| {
            let l = l.as_ref()?;
            let set = &l.set;
            let call = table.with(|p| span_call(set, span, p));
            let msgs = span_messages(set, span);
            if call.is_none() && msgs.is_empty() {
                return None;
            }
            let as_of = table.with(|t| t.as_of.clone());
            let facts = call.map(|c| {
                let cost = match (c.cost_usd, c.cost_source) {
                    (Some(v), CostSource::Table) => format!(
                        "{} (price table: {}{})",
                        format::usd(v),
                        c.price_model.clone().unwrap_or_default(),
                        if as_of.is_empty() { String::new() } else { format!(", as of {as_of}") }
                    ),
                    (Some(v), _) => format!("{} (from the span)", format::usd(v)),
                    (None, _) => {
                        if c.model.is_none() { "unknown (no model)".to_string() } else if !c.usage_reported { "unknown (no token usage)".to_string() } else { "unknown (model not in the price table)".to_string() }
                    }
                };
                let tokens = format!(
                    "{} in ({} cached, {} cache write) → {} out ({} reasoning)",
                    format::thousands(c.input_tokens),
                    format::thousands(c.cache_read_tokens),
                    format::thousands(c.cache_creation_tokens),
                    format::thousands(c.output_tokens),
                    format::thousands(c.reasoning_tokens)
                );
                let op = [c.operation.clone(), c.purpose.clone()].into_iter().flatten().collect::<Vec<_>>().join(" / ");
                let finish = llm_text::finish_text(&c);
                let flagged = c.truncated || c.content_filtered;
                let err = llm_text::error_text(&c);
                let settings = [
                    c.max_tokens.map(|m| format!("max_tokens {m}")),
                    c.temperature.map(|t| format!("temperature {}", crate::model::format_f64(t))),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
                let row = |k: &'static str, v: String| (!v.is_empty()).then(|| view! { <tr><th>{k}</th><td>{v}</td></tr> });
                view! {
                    <table data-testid="llm-span-facts">
                        {row("Model", c.model_key().to_string())}
                        {row("Provider", c.provider.clone().unwrap_or_default())}
                        {row("Operation", op)}
                        {row("Tokens", tokens)}
                        <tr><th>"Cost"</th><td data-testid="llm-span-cost">{cost}</td></tr>
                        {row("Latency", format::duration(c.latency_ns))}
                        {row("TTFT", c.ttft_ns.map(format::duration).unwrap_or_default())}
                        {row("Tokens/s", c.tokens_per_second.map(|t| format!("{t:.1}")).unwrap_or_default())}
                        {(!finish.is_empty()).then(|| view! { <tr><th>"Finish"</th><td class:flag=flagged>{finish.clone()}</td></tr> })}
                        {(!err.is_empty()).then(|| view! { <tr><th>"Error"</th><td class="err">{err.clone()}</td></tr> })}
                        {row("Settings", settings)}
                        {row("User", c.user_id.clone().unwrap_or_default())}
                        {row("Tenant", c.tenant_id.clone().unwrap_or_default())}
                        {row("Conversation", c.conversation_id.clone().unwrap_or_default())}
                    </table>
                }
            });
            let n = msgs.len();
            let chat = (n > 0).then(|| {
                let items = msgs
                    .into_iter()
                    .map(|m| {
                        let short = m.text.chars().count() <= 600;
                        let preview: String = if short { String::new() } else { format::ellipsis(&m.text, 81) };
                        let dir = match m.direction {
                            Direction::Input => "input",
                            Direction::Output => "output",
                        };
                        view! {
                            <details class="llm-msg" class:output=m.direction == Direction::Output open=short>
                                <summary><span class="role">{m.role.clone()}</span>" · "{dir}" "<span class="preview">{preview}</span></summary>
                                <pre class="llm-text" title=m.source.clone()>{m.text.clone()}</pre>
                            </details>
                        }
                    })
                    .collect_view();
                view! {
                    <details class="llm-chat" open=true data-testid="llm-span-chat">
                        <summary>{format!("Prompt and completion ({n} message{})", if n == 1 { "" } else { "s" })}</summary>
                        {items}
                    </details>
                }
            });
            Some(view! {
                <section class="llm-span" data-testid="llm-span-section">
                    <h4>"LLM call"</h4>
                    {facts}
                    {chat}
                </section>
            })
        })
    }
}

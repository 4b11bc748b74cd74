//! The page: engine version and the scheduler registry. (The playground fills this in.)

use leptos::prelude::*;
use schedlab_core::sched::REGISTRY;

#[component]
pub fn App() -> impl IntoView {
    let rows = REGISTRY
        .iter()
        .map(|s| {
            view! {
                <tr data-testid="scheduler-row">
                    <td><code>{s.id}</code></td>
                    <td>{s.name}</td>
                    <td>{s.summary}</td>
                    <td class="cite">{s.citation}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <header class="top">
            <h1>"schedlab"</h1>
            <span class="tag">"a scheduling playground in your browser"</span>
            <span class="version">"engine " <span data-testid="engine-version">{schedlab_core::VERSION}</span></span>
        </header>
        <main>
            <h2>"Schedulers"</h2>
            <table data-testid="scheduler-list" class="registry">
                <thead><tr><th>"id"</th><th>"name"</th><th>"what it does"</th><th>"paper"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </main>
    }
}

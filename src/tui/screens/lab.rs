//! The Lab: a list of guided scenarios, and a workbench per scenario with a request composer,
//! a virtual clock, the response, the phase-by-phase trace, bucket gauges, metrics and the
//! access log; objectives tick off as traces show them.
mod list;
mod view;
mod ws;

pub use list::LabList;
pub use view::{body_lines, copyable_command};
pub use ws::LabWsScreen;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Tabs};

use crate::gateway::server::{self, ServeOptions, ServerClock, ServerEvent, ServerHandle};
use crate::gateway::{Gateway, Request, VirtualTime};
use crate::lab::{Exchange, LabSession, Scenario};
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav};
use crate::tui::keymap::Context;
use crate::tui::markdown::wrap_spans;
use crate::tui::screens::practice;
use crate::tui::widgets::text_input::{Edit, TextInput};

/// Objectives met in a scenario, from stored (scenario, objective) pairs.
fn met_in(done: &[(String, String)], s: &Scenario) -> Vec<&'static str> {
    s.objectives.iter().map(|o| o.id).filter(|id| done.iter().any(|(sc, ob)| sc == s.id && ob == id)).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Trace,
    Buckets,
    Metrics,
    Log,
}

const PANES: [Pane; 4] = [Pane::Trace, Pane::Buckets, Pane::Metrics, Pane::Log];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Path,
    Header,
    Body,
    /// How many requests to fire.
    Count,
}

pub struct LabScreen {
    pub lab: LabSession,
    pub preset: usize,
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub pane: Pane,
    /// The composer field being typed, if any.
    pub editing: Option<(Field, TextInput)>,
    pub hints: bool,
    /// The loopback server, while live mode is on; curl's requests arrive as events.
    pub live: Option<ServerHandle>,
    /// The curl command to try while live, shown whole in the response pane.
    pub live_curl: Option<String>,
    /// How far the trace (or other) pane is scrolled; a new request scrolls back to its top.
    pub pane_scroll: u16,
    max_pane_scroll: std::cell::Cell<u16>,
}

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];
/// Requests sent by one "fire".
pub(crate) const BURST: usize = 10;
/// The most one typed "fire N" sends.
pub(crate) const MAX_FIRE: usize = 1000;

impl LabScreen {
    pub fn new(ctx: &Ctx, s: &'static Scenario) -> Result<LabScreen, String> {
        let done = crate::progress::lab_completions(&ctx.db).map_err(|e| e.to_string())?;
        let lab = LabSession::new(s, met_in(&done, s)).map_err(|e| e.to_string())?;
        let mut l = LabScreen {
            lab,
            preset: 0,
            method: String::new(),
            path: String::new(),
            headers: Vec::new(),
            body: String::new(),
            pane: Pane::Trace,
            editing: None,
            hints: false,
            live: None,
            live_curl: None,
            pane_scroll: 0,
            max_pane_scroll: std::cell::Cell::new(0),
        };
        l.load_preset(0);
        Ok(l)
    }

    pub fn context(&self) -> Context {
        if self.editing.is_some() { Context::TextEntry } else { Context::Lab }
    }

    fn load_preset(&mut self, i: usize) {
        let Some(p) = self.lab.scenario.presets.get(i) else { return };
        self.preset = i;
        self.method = p.method.to_string();
        self.path = p.path.to_string();
        self.headers = p.headers.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        self.body = p.body.to_string();
    }

    fn request(&self) -> Request {
        let mut r = Request::new(&self.method, &self.path);
        for (k, v) in &self.headers {
            r = r.with_header(k, v);
        }
        if !self.body.is_empty() {
            r = r.with_body(self.body.as_bytes().to_vec());
        }
        r
    }

    fn send(&mut self, ctx: &mut Ctx, n: usize) {
        if self.live.is_some() {
            ctx.status = Some("Live mode: send requests with curl from another terminal (L stops live mode).".into());
            return;
        }
        self.pane_scroll = 0;
        let mut newly = Vec::new();
        for _ in 0..n {
            newly.extend(self.lab.send(self.request()));
        }
        self.store_met(ctx, &newly);
    }

    /// Stores objectives just met and says so.
    pub(crate) fn store_met(&mut self, ctx: &mut Ctx, newly: &[&'static str]) {
        let s = self.lab.scenario;
        let text = |id: &str| s.objectives.iter().find(|o| o.id == id).map_or("", |o| o.text);
        store_objectives(ctx, s.id, newly, text, self.lab.complete());
    }

    /// Starts or stops the loopback server on the scenario's current definition.
    fn toggle_live(&mut self, ctx: &mut Ctx) {
        if let Some(handle) = self.live.take() {
            let _ = handle.shutdown();
            self.live_curl = None;
            ctx.status = Some("Live mode off: the composer sends to the in-app gateway again.".into());
            return;
        }
        let gateway = match crate::lab::gateway_for(self.lab.scenario, self.lab.variant) {
            Ok(g) => g,
            Err(e) => {
                ctx.status = Some(e.to_string());
                return;
            }
        };
        match server::spawn(gateway, ServeOptions::default(), ctx.env.live_observer.clone()) {
            Ok(handle) => {
                let addr = handle.local_addr;
                let example = handle.with_gateway(|g| server::curl_examples(g, addr, ServerClock::System.now()));
                // The command is shown whole in the response pane; the status line only points there.
                ctx.status = Some(match example.first() {
                    Some(_) => {
                        format!("Live on {} — try the curl command shown under Response.", handle.ready.base_url)
                    }
                    None => format!("Live on {}", handle.ready.base_url),
                });
                self.live_curl = example.into_iter().next();
                self.live = Some(handle);
            }
            Err(e) => ctx.status = Some(e.to_string()),
        }
    }

    /// A request that reached the live server: shown like a composed one, and checked.
    pub fn on_server(&mut self, ctx: &mut Ctx, event: ServerEvent) {
        match event {
            ServerEvent::Served(s) => {
                let newly = self.lab.record(&s.trace, &s.response);
                self.lab.history.push(Exchange { request: s.request, response: s.response, trace: s.trace });
                self.store_met(ctx, &newly);
                if newly.is_empty() {
                    ctx.status = Some(format!("curl from {}: {}", s.peer, s.access_log));
                }
            }
            ServerEvent::Refused(r) => ctx.status = Some(format!("refused {} {}: {}", r.method, r.target, r.reason)),
        }
    }

    /// The gateway the panes show: the live server's, or the in-app one, with its "now".
    fn with_gateway<R>(&self, f: impl FnOnce(&Gateway, VirtualTime) -> R) -> R {
        match &self.live {
            Some(h) => h.with_gateway(|g| f(g, ServerClock::System.now())),
            None => f(&self.lab.gateway, self.lab.now),
        }
    }

    /// A key for the composer field being typed; `None` when no field is being typed.
    pub(crate) fn on_text(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Option<Nav> {
        let (field, input) = self.editing.as_mut()?;
        match input.handle(key) {
            Edit::Changed | Edit::Unchanged => {}
            Edit::Cancel => self.editing = None,
            Edit::Submit => {
                let (field, text) = (*field, input.text().to_string());
                self.editing = None;
                match field {
                    Field::Path => self.path = if text.starts_with('/') { text } else { format!("/{text}") },
                    Field::Body => self.body = text,
                    Field::Count => match text.trim().parse::<usize>() {
                        Ok(n) if (1..=MAX_FIRE).contains(&n) => self.send(ctx, n),
                        _ => ctx.status = Some(format!("Fire how many: a number from 1 to {MAX_FIRE}, not {text:?}.")),
                    },
                    Field::Header => match text.split_once(':') {
                        Some((k, v)) => {
                            let (k, v) = (k.trim().to_string(), v.trim().to_string());
                            self.headers.retain(|(name, _)| !name.eq_ignore_ascii_case(&k));
                            if !v.is_empty() {
                                self.headers.push((k, v));
                            }
                        }
                        None => {
                            // "Name" alone removes the header.
                            let k = text.trim().to_string();
                            self.headers.retain(|(name, _)| !name.eq_ignore_ascii_case(&k));
                        }
                    },
                }
            }
        }
        Some(Nav::Stay)
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        let s = self.lab.scenario;
        match action {
            Action::Send => self.send(ctx, 1),
            Action::FireBurst => self.send(ctx, BURST),
            Action::FireCount => self.editing = Some((Field::Count, TextInput::new(""))),
            Action::NextPreset => self.load_preset((self.preset + 1) % s.presets.len()),
            Action::PrevPreset => self.load_preset((self.preset + s.presets.len() - 1) % s.presets.len()),
            Action::NextPane => {
                let i = PANES.iter().position(|p| *p == self.pane).unwrap_or(0);
                self.pane = PANES[(i + 1) % PANES.len()];
                self.pane_scroll = 0;
            }
            Action::Up => self.pane_scroll = self.pane_scroll.saturating_sub(1),
            Action::Down => self.pane_scroll = (self.pane_scroll + 1).min(self.max_pane_scroll.get()),
            Action::PageUp => self.pane_scroll = self.pane_scroll.saturating_sub(5),
            Action::PageDown => self.pane_scroll = (self.pane_scroll + 5).min(self.max_pane_scroll.get()),
            Action::CycleMethod => {
                let i = METHODS.iter().position(|m| *m == self.method).map_or(0, |i| (i + 1) % METHODS.len());
                self.method = METHODS[i].to_string();
            }
            Action::EditPath => self.editing = Some((Field::Path, TextInput::new(&self.path))),
            Action::SetHeader => self.editing = Some((Field::Header, TextInput::new(""))),
            Action::EditBody => self.editing = Some((Field::Body, TextInput::new(&self.body))),
            Action::ClockSecond => self.lab.advance(1_000),
            Action::ClockMinute => self.lab.advance(60_000),
            Action::ClockMidnight => self.lab.to_midnight(),
            Action::SwitchStage if self.live.is_some() => {
                ctx.status = Some("Turn live mode off (L) before switching stage or API type.".into());
            }
            Action::SwitchStage => {
                if s.variants.len() > 1 {
                    let v = (self.lab.variant + 1) % s.variants.len();
                    if let Err(e) = self.lab.set_variant(v) {
                        ctx.status = Some(e.to_string());
                    } else {
                        ctx.status = Some(format!("Now on {} (fresh buckets and caches).", s.variants[v].label));
                    }
                } else {
                    ctx.status = Some("This scenario has one API definition.".into());
                }
            }
            Action::ToggleHints => self.hints = !self.hints,
            Action::ToggleLive => self.toggle_live(ctx),
            Action::AskQuestions => {
                let ids = s.questions.iter().map(|q| (*q).to_string()).collect();
                return practice::start_drill(ctx, &format!("lab: {}", s.title), ids);
            }
            _ => return Nav::Ignored,
        }
        Nav::Stay
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let s = self.lab.scenario;
        let objectives = s.objectives.iter().map(|o| (o.id, o.text, o.hint));
        let (top, top_h) = goal_panel(ctx, s.goal, objectives, &self.lab.met, self.hints, area);
        let [goal, composer, main] =
            Layout::vertical([Constraint::Length(top_h), Constraint::Length(4), Constraint::Min(3)]).areas(area);
        frame.render_widget(Paragraph::new(top).block(Block::bordered().title(format!(" {} ", s.title))), goal);

        let variant = s.variants.get(self.lab.variant).map_or("", |v| v.label);
        let live = self.live.as_ref().map_or_else(String::new, |h| format!("   LIVE {}", h.ready.base_url));
        let headers: Vec<String> = self.headers.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let mut comp = vec![
            Line::from(vec![
                Span::styled(format!("{} ", self.method), t.accent),
                Span::styled(self.path.clone(), t.text),
                Span::styled(format!("   {}", headers.join("  ")), t.muted),
                Span::styled(
                    if self.body.is_empty() { String::new() } else { format!("   body {} bytes", self.body.len()) },
                    t.muted,
                ),
            ]),
            Line::from(vec![
                Span::styled(
                    format!("preset {}/{}: {}", self.preset + 1, s.presets.len(), s.presets[self.preset].label),
                    t.muted,
                ),
                Span::styled(format!("   ⏱ {}   {variant}", self.lab.now.iso8601()), t.accent),
                Span::styled(live, t.warn),
            ]),
        ];
        if let Some((field, input)) = &self.editing {
            let what = match field {
                Field::Path => "path",
                Field::Header => "header (Name: value; Name alone removes it)",
                Field::Body => "body",
                Field::Count => "fire how many requests (1–1000)",
            };
            const KEYS: &str = "  (Enter keeps, Esc cancels)";
            let room = usize::from(composer.width.saturating_sub(2)).saturating_sub(what.len() + 2 + KEYS.len());
            comp[1] = Line::from(Span::styled(format!("{what}: {}{KEYS}", input.view(room.max(12))), t.warn));
        }
        frame.render_widget(Paragraph::new(comp).block(Block::bordered().title(" Request ")), composer);

        let [resp, pane] = Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(main);
        self.render_response(frame, resp, ctx);
        let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(pane);
        frame.render_widget(
            Tabs::new(vec!["Trace", "Buckets", "Metrics", "Access log"])
                .select(PANES.iter().position(|p| *p == self.pane).unwrap_or(0))
                .style(t.muted)
                .highlight_style(t.selected),
            tabs,
        );
        self.max_pane_scroll.set(self.render_pane(frame, body, ctx));
    }
}

/// Stores the objectives just met in a scenario (HTTP or WebSocket Lab) and says so in the
/// status line, naming the last one and whether the scenario is now complete.
pub(crate) fn store_objectives<'a>(
    ctx: &mut Ctx,
    scenario: &str,
    newly: &[&'static str],
    text: impl Fn(&str) -> &'a str,
    complete: bool,
) {
    for id in newly {
        if let Err(e) = crate::progress::complete_lab_objective(&mut ctx.db, scenario, id, ctx.now) {
            ctx.status = Some(e.to_string());
            return;
        }
    }
    if let Some(last) = newly.last() {
        let text = text(last);
        ctx.status = Some(if complete {
            format!("✓ {text} — scenario complete! Press u for its questions.")
        } else {
            format!("✓ Objective met: {text}")
        });
    }
}

/// The top of a Lab screen (HTTP or WebSocket): the goal, then each objective ticked when met,
/// with its hint while open when hints are on; and the height it takes (at most half the area).
pub(crate) fn goal_panel(
    ctx: &Ctx,
    goal: &'static str,
    objectives: impl Iterator<Item = (&'static str, &'static str, &'static str)>,
    met: &[&'static str],
    hints: bool,
    area: Rect,
) -> (Vec<Line<'static>>, u16) {
    let t = &ctx.theme;
    let mut top: Vec<Line> =
        wrap_spans(&[], &[], &[Span::styled(goal, t.text)], usize::from(area.width.saturating_sub(2)));
    for (id, text, hint) in objectives {
        let done = met.contains(&id);
        let mut spans = vec![
            if done { Span::styled("[x] ", t.good) } else { Span::styled("[ ] ", t.muted) },
            Span::styled(text, if done { t.good } else { t.text }),
        ];
        if hints && !done {
            spans.push(Span::styled(format!("  — {hint}"), t.muted));
        }
        top.push(Line::from(spans));
    }
    let top_h = u16::try_from(top.len() + 2).unwrap_or(8).min(area.height / 2);
    (top, top_h)
}

//! The WebSocket Lab workbench: three virtual clients of a chat API, each connecting, sending
//! and closing on the virtual clock; the selected client's inbox, the open connections, and the
//! last event's trace (route selection, `@connections` posts, closes). The rules are
//! `WsGateway`'s, driven through `lab::ws::WsLabSession`.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::gateway::core::ws::{CallbackMethod, WsOutcome};
use crate::gateway::server::ServeOptions;
use crate::gateway::server::ws::{WsServerHandle, spawn_ws};
use crate::lab::ws::{WsLabSession, WsScenario};
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav};
use crate::tui::keymap::Context;
use crate::tui::screens::practice;

/// Objectives met in a WebSocket scenario, from stored (scenario, objective) pairs.
pub(crate) fn ws_met_in(done: &[(String, String)], s: &WsScenario) -> Vec<&'static str> {
    s.objectives.iter().map(|o| o.id).filter(|id| done.iter().any(|(sc, ob)| sc == s.id && ob == id)).collect()
}

pub struct LabWsScreen {
    pub lab: WsLabSession,
    pub client: usize,
    pub preset: usize,
    pub hints: bool,
    /// The loopback WebSocket server, while live mode is on; a real client's events arrive as
    /// server events and are checked like the virtual clients'.
    pub live: Option<WsServerHandle>,
    /// The websocat command to try while live.
    pub live_cmd: Option<String>,
}

impl LabWsScreen {
    pub fn new(ctx: &Ctx, s: &'static WsScenario) -> Result<LabWsScreen, String> {
        let done = crate::progress::lab_completions(&ctx.db).map_err(|e| e.to_string())?;
        let lab = WsLabSession::new(s, ws_met_in(&done, s)).map_err(|e| e.to_string())?;
        Ok(LabWsScreen { lab, client: 0, preset: 0, hints: false, live: None, live_cmd: None })
    }

    pub fn context(&self) -> Context {
        Context::LabWs
    }

    fn store_met(&mut self, ctx: &mut Ctx, newly: &[&'static str]) {
        let s = self.lab.scenario;
        let text = |id: &str| s.objectives.iter().find(|o| o.id == id).map_or("", |o| o.text);
        super::store_objectives(ctx, s.id, newly, text, self.lab.complete());
    }

    /// Starts or stops a real WebSocket server on the scenario's definition.
    fn toggle_live(&mut self, ctx: &mut Ctx) {
        if let Some(handle) = self.live.take() {
            let _ = handle.shutdown();
            self.live_cmd = None;
            ctx.status = Some("Live mode off: the virtual clients are back.".into());
            return;
        }
        let s = self.lab.scenario;
        let gateway = match crate::lab::ws::ws_gateway_for(s) {
            Ok(g) => g,
            Err(e) => {
                ctx.status = Some(e.to_string());
                return;
            }
        };
        match spawn_ws(gateway, ServeOptions::default(), ctx.env.live_ws_observer.clone()) {
            Ok(handle) => {
                let (k, v) = s.api_key;
                let query = s.connect_query.first().map_or("", |(_, q)| *q);
                self.live_cmd = Some(format!("websocat -H '{k}: {v}' '{}?name=me&{query}'", handle.ready.base_url));
                ctx.status =
                    Some(format!("Live on {}: connect with the websocat command shown above.", handle.ready.base_url));
                self.live = Some(handle);
            }
            Err(e) => ctx.status = Some(e.to_string()),
        }
    }

    /// An event of the live server: shown like a virtual client's, and checked.
    pub fn on_server(&mut self, ctx: &mut Ctx, outcome: WsOutcome) {
        let open = self.live.as_ref().map_or(0, |h| h.with_gateway(|g| g.connections().count()));
        let line = format!("live: {} {}", outcome.trace.method, outcome.trace.path);
        let newly = self.lab.record_live(outcome, open);
        self.store_met(ctx, &newly);
        if newly.is_empty() {
            ctx.status = Some(line);
        }
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        let s = self.lab.scenario;
        let virtual_client = matches!(
            action,
            Action::WsConnect
                | Action::WsConnectBare
                | Action::Send
                | Action::WsClose
                | Action::WsCallback
                | Action::ClockMinute
                | Action::ClockTenMinutes
        );
        if virtual_client && self.live.is_some() {
            ctx.status =
                Some("Live mode: connect a real client with websocat (L returns to the virtual clients).".into());
            return Nav::Stay;
        }
        let name = self.lab.clients.get(self.client).map_or("", |c| c.name);
        let open = self.lab.clients.get(self.client).is_some_and(|c| c.connection_id.is_some());
        let newly = match action {
            Action::NextClient => {
                self.client = (self.client + 1) % self.lab.clients.len().max(1);
                Vec::new()
            }
            Action::NextPreset => {
                self.preset = (self.preset + 1) % s.presets.len();
                Vec::new()
            }
            Action::PrevPreset => {
                self.preset = (self.preset + s.presets.len() - 1) % s.presets.len();
                Vec::new()
            }
            Action::WsConnect | Action::WsConnectBare if open => {
                ctx.status = Some(format!("{name} is already connected."));
                Vec::new()
            }
            Action::WsConnect => self.lab.connect(self.client, true),
            Action::WsConnectBare => self.lab.connect(self.client, false),
            Action::Send if !open => {
                ctx.status = Some(format!("{name} is not connected: c connects."));
                Vec::new()
            }
            Action::Send => self.lab.send(self.client, s.presets[self.preset].body),
            Action::WsClose => self.lab.disconnect(self.client),
            Action::WsCallback => {
                let newly = self.lab.callback(CallbackMethod::Post, self.client, "a message from the backend");
                newly.unwrap_or_else(|| {
                    ctx.status = Some(format!("{name} has never connected: there is no connection id to call."));
                    Vec::new()
                })
            }
            Action::ClockMinute => self.lab.advance(60_000),
            Action::ClockTenMinutes => self.lab.advance(600_000),
            Action::ToggleHints => {
                self.hints = !self.hints;
                Vec::new()
            }
            Action::ToggleLiveWs => {
                self.toggle_live(ctx);
                Vec::new()
            }
            Action::AskQuestions => {
                let ids = s.questions.iter().map(|q| (*q).to_string()).collect();
                return practice::start_drill(ctx, &format!("lab: {}", s.title), ids);
            }
            _ => return Nav::Ignored,
        };
        self.store_met(ctx, &newly);
        Nav::Stay
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let s = self.lab.scenario;
        let objectives = s.objectives.iter().map(|o| (o.id, o.text, o.hint));
        let (top, top_h) = super::goal_panel(ctx, s.goal, objectives, &self.lab.met, self.hints, area);
        let [goal, bar, main] =
            Layout::vertical([Constraint::Length(top_h), Constraint::Length(3), Constraint::Min(3)]).areas(area);
        frame.render_widget(Paragraph::new(top).block(Block::bordered().title(format!(" {} ", s.title))), goal);
        let preset = &s.presets[self.preset];
        let line = match &self.live_cmd {
            Some(cmd) => Line::from(vec![Span::styled("LIVE  ", t.warn), Span::styled(cmd.clone(), t.text)]),
            None => Line::from(vec![
                Span::styled(format!("preset {}/{}: {}", self.preset + 1, s.presets.len(), preset.label), t.muted),
                Span::styled(format!("   {}", preset.body), t.text),
                Span::styled(format!("   ⏱ {}", self.lab.now.iso8601()), t.accent),
            ]),
        };
        frame.render_widget(Paragraph::new(line).block(Block::bordered().title(" Message ")), bar);

        let [clients, trace] = Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(main);
        let mut lines = Vec::new();
        for (i, c) in self.lab.clients.iter().enumerate() {
            let state = match (&c.connection_id, &c.closed) {
                (Some(id), _) => format!("open {id}"),
                (None, Some((code, reason))) => format!("closed {code} {reason}"),
                (None, None) => "not connected".to_owned(),
            };
            let style = if i == self.client { t.selected } else { t.text };
            lines.push(Line::from(vec![Span::styled(format!("{} ", c.name), style), Span::styled(state, t.muted)]));
            for m in c.inbox.iter().rev().take(if i == self.client { 4 } else { 1 }).rev() {
                lines.push(Line::from(Span::styled(format!("  ← {m}"), t.text)));
            }
        }
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(" Clients ")),
            clients,
        );
        let mut tl = Vec::new();
        if let Some(ex) = self.lab.history.last() {
            tl.push(Line::from(Span::styled(ex.action.clone(), t.accent)));
            let route = ex.trace.route_key.as_deref().unwrap_or("-");
            tl.push(Line::from(Span::styled(format!("{} {} route {route}", ex.trace.method, ex.trace.path), t.muted)));
            for st in &ex.trace.steps {
                tl.push(Line::from(vec![
                    Span::styled(format!("{} {:<12} ", st.outcome.symbol(), st.phase.label()), t.muted),
                    Span::styled(st.detail.to_string(), t.text),
                ]));
            }
        } else {
            tl.push(Line::from(Span::styled("c connects the selected client; Tab picks another.", t.muted)));
        }
        frame.render_widget(
            Paragraph::new(tl).wrap(Wrap { trim: false }).block(Block::bordered().title(" Trace ")),
            trace,
        );
    }
}

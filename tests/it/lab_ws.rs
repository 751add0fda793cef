//! The WebSocket Lab: three virtual clients chat on the virtual clock; every objective can be
//! met, route selection and the @connections broadcast show in the traces, the idle timeout
//! closes a connection when the clock passes 10 minutes, and every reference resolves.
use gatewise::bank::{Bank, ContentSource};
use gatewise::gateway::Phase;
use gatewise::gateway::core::ws::CallbackMethod;
use gatewise::lab::ws::WsLabSession;
use gatewise::lab::ws_catalog::{WS_SCENARIOS, find};

const ANN: usize = 0;
const BOB: usize = 1;
const CY: usize = 2;

#[test]
fn the_chat_scenario_can_be_completed_and_shows_its_rules() {
    let s = find("websocket-chat").expect("scenario");
    let mut lab = WsLabSession::new(s, Vec::new()).expect("builds");
    assert_eq!(lab.connect(ANN, false), ["no-token-401"]);
    assert_eq!(lab.connect(CY, true), ["deny-403"]);
    assert!(lab.connect(ANN, true).is_empty());
    assert_eq!(lab.connect(BOB, true), ["two-open"]);
    let newly = lab.send(ANN, s.presets[0].body);
    assert_eq!(newly, ["routed", "broadcast"]);
    let trace = &lab.history.last().expect("exchange").trace;
    assert!(trace.to_string().contains(r#"$request.body.action → "sendmessage""#), "{trace}");
    assert_eq!(lab.clients[BOB].inbox, [r#"{"from":"ann","message":"hello, room"}"#]);
    assert_eq!(lab.send(BOB, s.presets[2].body), ["default-route"]);
    assert!(lab.clients[BOB].inbox[1].contains("members"), "$default is two-way: bob got a reply");

    // Ten minutes pass; bob spoke at minute 5, so only ann is idle at minute 10.
    lab.advance(5 * 60 * 1000);
    lab.send(BOB, s.presets[1].body);
    let newly = lab.advance(5 * 60 * 1000);
    assert_eq!(newly, ["idle-close"]);
    assert_eq!(lab.clients[ANN].closed.as_ref().map(|c| c.0), Some(1001));
    assert!(lab.clients[ANN].connection_id.is_none());
    assert!(lab.clients[BOB].connection_id.is_some());
    let last = &lab.history.last().expect("exchange").trace;
    assert_eq!(last.stopped_at().map(|s| s.phase), Some(Phase::Receive));
    assert_eq!(lab.callback(CallbackMethod::Post, ANN, "are you there?"), Some(vec!["gone-410"]));
    assert_eq!(lab.callback(CallbackMethod::Get, CY, ""), None, "cy never connected");
    assert!(lab.complete(), "met: {:?}", lab.met);

    // A chat message now reaches bob alone: the chat forgot ann on $disconnect.
    lab.send(BOB, s.presets[0].body);
    let posts = lab
        .history
        .last()
        .expect("exchange")
        .trace
        .steps
        .iter()
        .filter(|s| s.phase == Phase::IntegrationResponse)
        .count();
    assert_eq!(posts, 1);
}

#[test]
fn a_close_and_an_oversized_message_end_connections() {
    let s = find("websocket-chat").expect("scenario");
    let mut lab = WsLabSession::new(s, Vec::new()).expect("builds");
    lab.connect(ANN, true);
    lab.connect(BOB, true);
    lab.disconnect(ANN);
    assert_eq!(lab.gateway.connections().count(), 1);
    lab.send_big(BOB, 200 * 1024, 16 * 1024);
    assert_eq!(lab.clients[BOB].closed.as_ref().map(|c| c.0), Some(1009));
    assert_eq!(lab.gateway.connections().count(), 0);
}

#[test]
fn every_reference_resolves() {
    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    for s in WS_SCENARIOS {
        assert!(bank.note(s.note).is_some(), "{}: note {}", s.id, s.note);
        assert!((2..=3).contains(&s.questions.len()), "{}: 2–3 questions", s.id);
        for q in s.questions {
            assert!(bank.question(q).is_some(), "{}: question {q}", s.id);
        }
        assert!(!s.objectives.is_empty() && !s.presets.is_empty());
        WsLabSession::new(s, Vec::new()).expect("builds");
    }
}

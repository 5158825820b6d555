//! Feedback, given/when/then: submitted once, answered once.

use chrono::{DateTime, Utc};
use cqrs_es::test::TestFramework;

use super::*;
use crate::aggregates::testing::{station, ward};

fn at(s: &str) -> DateTime<Utc> {
    format!("2025-10-10T{s}Z").parse().unwrap()
}

fn submit() -> FeedbackCommand {
    FeedbackCommand::SubmitFeedback {
        topic: FeedbackTopic::LivingEnvironment,
        text: "Đèn hành lang tầng 5 hỏng".into(),
        citizen: None,
        station: station(),
        ward: ward(),
        at: at("02:00:00"),
    }
}

fn submitted() -> FeedbackEvent {
    FeedbackEvent::FeedbackSubmitted {
        topic: FeedbackTopic::LivingEnvironment,
        text: "Đèn hành lang tầng 5 hỏng".into(),
        citizen: None,
        station: station(),
        ward: ward(),
        at: at("02:00:00"),
    }
}

fn answer() -> FeedbackCommand {
    FeedbackCommand::AnswerFeedback { answer: "Ban quản lý đã thay đèn".into(), at: at("09:00:00") }
}

fn answered() -> FeedbackEvent {
    FeedbackEvent::FeedbackAnswered { answer: "Ban quản lý đã thay đèn".into(), at: at("09:00:00") }
}

fn feedback(given: Vec<FeedbackEvent>) -> cqrs_es::test::AggregateTestExecutor<Feedback> {
    TestFramework::<Feedback>::with(()).given(given)
}

#[test]
fn anonymous_feedback_is_submitted_once() {
    feedback(vec![]).when(submit()).then_expect_events(vec![submitted()]);
    feedback(vec![submitted()]).when(submit()).then_expect_error_message("this feedback was already submitted");
}

#[test]
fn feedback_is_answered_once() {
    feedback(vec![submitted()]).when(answer()).then_expect_events(vec![answered()]);
    feedback(vec![submitted(), answered()])
        .when(answer())
        .then_expect_error_message("this feedback was already answered");
}

#[test]
fn feedback_never_submitted_is_not_answered() {
    feedback(vec![]).when(answer()).then_expect_error_message("this feedback was never submitted");
}

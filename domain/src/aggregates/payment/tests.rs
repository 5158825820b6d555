//! A payment's lifecycle, given/when/then: made in one step, or initiated then settled; refunds.

use chrono::{DateTime, Utc};
use cqrs_es::test::TestFramework;

use super::*;
use crate::aggregates::testing::{station, ward};

fn at(s: &str) -> DateTime<Utc> {
    format!("2025-10-10T{s}Z").parse().unwrap()
}

fn pay(amount_vnd: i64) -> PaymentCommand {
    PaymentCommand::MakePayment {
        bill_type: BillType::Electricity,
        provider: "EVNHCMC".into(),
        bill_reference: "PE04000123456".into(),
        amount_vnd,
        station: station(),
        ward: ward(),
        at: at("02:15:00"),
    }
}

fn paid(amount_vnd: i64) -> PaymentEvent {
    let PaymentCommand::MakePayment { bill_type, provider, bill_reference, amount_vnd, station, ward, at } =
        pay(amount_vnd)
    else {
        unreachable!()
    };
    PaymentEvent::PaymentMade { bill_type, provider, bill_reference, amount_vnd, station, ward, at }
}

fn initiate(amount_vnd: i64) -> PaymentCommand {
    PaymentCommand::InitiatePayment {
        bill_type: BillType::Water,
        provider: "SAWACO".into(),
        bill_reference: "KH0123456".into(),
        amount_vnd,
        station: station(),
        ward: ward(),
        at: at("03:00:00"),
    }
}

fn initiated() -> PaymentEvent {
    let PaymentCommand::InitiatePayment { bill_type, provider, bill_reference, amount_vnd, station, ward, at } =
        initiate(186_000)
    else {
        unreachable!()
    };
    PaymentEvent::PaymentInitiated { bill_type, provider, bill_reference, amount_vnd, station, ward, at }
}

fn succeeded() -> PaymentEvent {
    PaymentEvent::PaymentSucceeded { transaction_ref: "VNPAY-14503321".into(), at: at("03:00:20") }
}

fn failed() -> PaymentEvent {
    PaymentEvent::PaymentFailed { reason: "Thẻ không đủ số dư".into(), at: at("03:00:20") }
}

fn succeed() -> PaymentCommand {
    PaymentCommand::RecordPaymentSuccess { transaction_ref: "VNPAY-14503321".into(), at: at("03:00:20") }
}

fn fail() -> PaymentCommand {
    PaymentCommand::RecordPaymentFailure { reason: "Thẻ không đủ số dư".into(), at: at("03:00:20") }
}

fn refund() -> PaymentCommand {
    PaymentCommand::RefundPayment { reason: "Thu trùng hóa đơn".into(), at: at("09:00:00") }
}

fn payment(given: Vec<PaymentEvent>) -> cqrs_es::test::AggregateTestExecutor<Payment> {
    TestFramework::<Payment>::with(()).given(given)
}

#[test]
fn a_payment_is_made() {
    payment(vec![]).when(pay(452_000)).then_expect_events(vec![paid(452_000)]);
}

#[test]
fn a_payment_cannot_be_made_twice() {
    payment(vec![paid(452_000)]).when(pay(452_000)).then_expect_error_message("this payment was already made");
}

#[test]
fn a_payment_of_nothing_is_refused() {
    payment(vec![]).when(pay(0)).then_expect_error_message("a payment must be a positive amount of VND");
}

#[test]
fn a_payment_above_the_ceiling_is_refused() {
    payment(vec![])
        .when(initiate(Vnd::MAX + 1))
        .then_expect_error_message("a payment cannot be more than 10.000.000.000 ₫");
}

#[test]
fn a_payment_is_initiated_then_succeeds() {
    payment(vec![]).when(initiate(186_000)).then_expect_events(vec![initiated()]);
    payment(vec![initiated()]).when(succeed()).then_expect_events(vec![succeeded()]);
}

#[test]
fn an_initiated_payment_may_fail() {
    payment(vec![initiated()]).when(fail()).then_expect_events(vec![failed()]);
}

#[test]
fn a_payment_cannot_be_initiated_twice() {
    payment(vec![initiated()]).when(initiate(186_000)).then_expect_error_message("this payment was already initiated");
}

#[test]
fn an_outcome_needs_an_initiated_payment() {
    payment(vec![]).when(succeed()).then_expect_error_message("no payment was initiated under this id");
    payment(vec![]).when(fail()).then_expect_error_message("no payment was initiated under this id");
}

#[test]
fn a_payment_cannot_succeed_twice_nor_fail_after_success() {
    payment(vec![initiated(), succeeded()]).when(succeed()).then_expect_error_message("this payment already succeeded");
    payment(vec![initiated(), succeeded()])
        .when(fail())
        .then_expect_error_message("this payment succeeded; it cannot fail");
}

#[test]
fn a_failed_payment_cannot_succeed_nor_fail_again() {
    payment(vec![initiated(), failed()])
        .when(succeed())
        .then_expect_error_message("this payment failed; it cannot succeed");
    payment(vec![initiated(), failed()]).when(fail()).then_expect_error_message("this payment already failed");
}

#[test]
fn a_payment_that_succeeded_is_refunded_in_full() {
    let refunded =
        PaymentEvent::PaymentRefunded {
            amount_vnd: 186_000, reason: "Thu trùng hóa đơn".into(), at: at("09:00:00")
        };
    payment(vec![initiated(), succeeded()]).when(refund()).then_expect_events(vec![refunded]);
}

#[test]
fn a_payment_made_in_one_step_can_be_refunded() {
    let refunded =
        PaymentEvent::PaymentRefunded {
            amount_vnd: 452_000, reason: "Thu trùng hóa đơn".into(), at: at("09:00:00")
        };
    payment(vec![paid(452_000)]).when(refund()).then_expect_events(vec![refunded]);
}

#[test]
fn a_payment_is_refunded_only_once() {
    let refunded = PaymentEvent::PaymentRefunded { amount_vnd: 452_000, reason: "r".into(), at: at("09:00:00") };
    payment(vec![paid(452_000), refunded.clone()])
        .when(refund())
        .then_expect_error_message("this payment was already refunded");
    payment(vec![paid(452_000), refunded])
        .when(succeed())
        .then_expect_error_message("this payment was refunded; it cannot succeed");
}

#[test]
fn only_a_payment_that_succeeded_can_be_refunded() {
    let message = "only a payment that succeeded can be refunded";
    payment(vec![initiated()]).when(refund()).then_expect_error_message(message);
    payment(vec![initiated(), failed()]).when(refund()).then_expect_error_message(message);
    payment(vec![]).when(refund()).then_expect_error_message("no payment was initiated under this id");
}

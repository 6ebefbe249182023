//! The HTTP SMS gateway adapter against a real HTTP server standing in for the gateway.

use app::domain::phone::MobileNumber;
use app::sms::{SmsError, SmsMessage, SmsSender};
use axum::{extract::State, http::HeaderMap, routing::post, Json, Router};
use server::sms::{HttpGateway, Templates};
use std::sync::{Arc, Mutex};

type Received = Arc<Mutex<Vec<(Option<String>, serde_json::Value)>>>;

async fn gateway(status: u16) -> (String, Received) {
    let received: Received = Arc::default();
    let app = Router::new()
        .route(
            "/send",
            post(
                move |State(seen): State<Received>,
                      headers: HeaderMap,
                      Json(body): Json<serde_json::Value>| async move {
                    let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
                    seen.lock().unwrap().push((auth, body));
                    axum::http::StatusCode::from_u16(status).unwrap()
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

fn templates() -> Templates {
    Templates { code: "SMS_001".into(), proxy: "SMS_003".into(), status: "SMS_002".into() }
}

#[tokio::test]
async fn the_gateway_gets_the_template_the_code_and_the_token() {
    let (url, received) = gateway(200).await;
    let sender = HttpGateway::new(url, Some("gateway-token".into()), templates());
    let phone = MobileNumber::parse("13812345678").unwrap();
    sender.send(&phone, &SmsMessage::VerificationCode { code: "123456".into() }).await.unwrap();
    {
        let seen = received.lock().unwrap();
        let (auth, body) = &seen[0];
        assert_eq!(auth.as_deref(), Some("Bearer gateway-token"));
        assert_eq!(body["phone"], "13812345678");
        assert_eq!(body["template"], "SMS_001");
        assert_eq!(body["params"]["code"], "123456");
        assert!(body["text"].as_str().unwrap().contains("123456"));
    }
    let proxy = SmsMessage::ProxyConsent { code: "654321".into(), helper: "亲属张明".into() };
    sender.send(&phone, &proxy).await.unwrap();
    let seen = received.lock().unwrap();
    let (_, body) = &seen[1];
    assert_eq!(body["template"], "SMS_003");
    assert_eq!(body["params"]["helper"], "亲属张明");
    assert!(body["text"].as_str().unwrap().contains("亲属张明申请为您代办"));
}

#[tokio::test]
async fn a_refusal_or_an_unreachable_gateway_is_an_error_not_a_success() {
    let (url, _) = gateway(500).await;
    let phone = MobileNumber::parse("13812345678").unwrap();
    let message = SmsMessage::VerificationCode { code: "123456".into() };
    let refused = HttpGateway::new(url, None, templates()).send(&phone, &message).await;
    assert!(matches!(refused, Err(SmsError::Refused(_))));
    let unreachable =
        HttpGateway::new("http://127.0.0.1:9/send".into(), None, templates()).send(&phone, &message).await;
    assert!(matches!(unreachable, Err(SmsError::Unreachable(_))));
}

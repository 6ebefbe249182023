# Shared by scripts/bench.sh and scripts/bench-side-by-side.sh (sourced, from the repository's root): a
# release server on a SQLite database with the per-client budgets lifted, its first application, and a
# resident's status session on it.

# Starts BINARY on the database in the folder DATA, serving 127.0.0.1:PORT, with extra settings (words such
# as RUST_LOG=info), in the background of the calling shell ($! is its pid); returns once it is ready.
start_portal() {
  local binary="$1" port="$2" data="$3" settings="${4:-}"
  # shellcheck disable=SC2086 # the settings are words on purpose
  env PORTAL_DATA_DIR="$data" DATABASE_URL="sqlite://$data/portal.db" PORTAL_LISTEN_ADDR="127.0.0.1:$port" \
    PORTAL_SMS_DEV_OUTBOX_FILE="$data/outbox.jsonl" PORTAL_RATE_LIMIT_BURST=100000000 PORTAL_RATE_LIMIT_REFILL_MS=1 \
    PORTAL_LIST_PAGES_PER_MINUTE=100000000 PORTAL_SMS_IP_BURST=100000000 PORTAL_MAX_CONCURRENT_REQUESTS=100000 \
    RUST_LOG=warn $settings "$binary" >>"$data/server.log" 2>&1 &
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.02; done
}

# One application through the forms on the server at PORT (DATA: its folder); prints its reference.
first_application() {
  target/release/examples/submissions "127.0.0.1:$1" "$2/outbox.jsonl" 1 1 136 >/dev/null
  sqlite3 "$2/portal.db" "SELECT reference FROM applications WHERE id = 1"
}

# A status session for the application REFERENCE on the server at PORT (DATA: its folder), with the code
# sent to the applicant's phone as a resident would; prints the value of a Cookie header.
status_session() {
  local port="$1" data="$2" reference="$3" jar="$2/status.jar" phone code
  phone="$(grep -o '"to":"[0-9]*"' "$data/outbox.jsonl" | head -1 | grep -o '[0-9]\{11\}')"
  sqlite3 "$data/portal.db" "UPDATE otp_codes SET created_at = created_at - 120" # past the resend wait
  curl -s -c "$jar" -o /dev/null -H "Origin: http://127.0.0.1:$port" --data-urlencode "reference=$reference" \
    "http://127.0.0.1:$port/status/code"
  code="$(grep "\"to\":\"$phone\"" "$data/outbox.jsonl" | tail -1 | grep -o '验证码是[0-9]\{6\}' | tail -c 7)"
  curl -s -b "$jar" -c "$jar" -o /dev/null -H "Origin: http://127.0.0.1:$port" --data-urlencode "code=$code" \
    "http://127.0.0.1:$port/status/verify"
  # curl writes HttpOnly cookies (the status session is one) as comment lines: "#HttpOnly_<host> ...".
  sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 {printf "%s=%s; ", $6, $7}'
}

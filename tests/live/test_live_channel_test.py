""" "Send test event" on a live server, as `make run` serves it: the button's request
returns at once, a background thread posts to another HTTP worker, the jobrunner
applies the ping, and the run records the round trip."""


def test_send_test_event_round_trip_with_workers(live_odoo):
    channel_id, key = live_odoo.create_channel("LIVE-TEST-EVENT")
    runs = []
    for _attempt in range(3):  # the request commits while its thread starts
        action = live_odoo.call(
            "retail.sync.channel", "action_send_test_event", [channel_id]
        )
        run_id = action["res_id"]

        def finished(run_id=run_id):
            [run] = live_odoo.call(
                "retail.sync.channel.test",
                "read",
                [run_id],
                ["state", "message", "accepted_ms", "applied_ms", "event_id"],
            )
            return run if run["state"] != "running" else None

        assert live_odoo.wait_until(finished, timeout=60)
        runs.append(finished())
    for run in runs:
        assert run["state"] == "done", run["message"]
        assert 0 < run["accepted_ms"] <= run["applied_ms"]
        [event] = live_odoo.call(
            "retail.sync.event", "read", [run["event_id"][0]], ["state", "channel_id"]
        )
        assert event["state"] == "done"
        assert event["channel_id"][0] == channel_id
    # Only the channel's own key is left on its integration user; it still works.
    [channel] = live_odoo.call(
        "retail.sync.channel", "read", [channel_id], ["api_key_count"]
    )
    assert channel["api_key_count"] == 1
    assert live_odoo.post(key, {"events": []}).status_code == 422

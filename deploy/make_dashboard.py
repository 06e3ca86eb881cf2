#!/usr/bin/env python3
"""Writes grafana-dashboard.json: the Mnemo training dashboard over the mnemo_* Prometheus metrics.

Regenerate after changing a metric name:  python3 deploy/make_dashboard.py
"""
import json
import pathlib

PANELS = [
    # (title, unit, [(expr, legend)])
    ("Frames per second (learner)", "short", [("sum(rate(mnemo_learner_frames_total[1m]))", "frames/s")]),
    ("Actor steps per second", "short", [("sum by (actor) (rate(mnemo_actor_steps_total[1m]))", "{{actor}}")]),
    ("Episode return (learner's recent episodes)", "short", [
        ("mnemo_learner_episode_return_mean", "mean return"), ("mnemo_learner_episode_success_rate", "success rate")]),
    ("Episode return (actors)", "short", [
        ("sum(rate(mnemo_actor_episode_return_sum[5m])) / sum(rate(mnemo_actor_episode_return_count[5m]))", "mean return")]),
    ("Success rate", "percentunit", [
        ("sum(rate(mnemo_actor_episode_success_sum[5m])) / sum(rate(mnemo_actor_episode_success_count[5m]))", "success")]),
    ("Episode length", "short", [
        ("sum(rate(mnemo_actor_episode_length_sum[5m])) / sum(rate(mnemo_actor_episode_length_count[5m]))", "mean length")]),
    ("Loss terms", "short", [("mnemo_learner_loss", "{{term}}")]),
    ("Policy entropy", "short", [("mnemo_learner_entropy", "entropy")]),
    ("Gradient norm", "short", [("mnemo_learner_grad_norm", "global norm (before clipping)")]),
    ("Learning rate", "short", [("mnemo_learner_learning_rate", "lr")]),
    ("Policy lag (versions)", "short", [
        ("rate(mnemo_learner_policy_lag_sum[1m]) / rate(mnemo_learner_policy_lag_count[1m])", "mean lag"),
        ("mnemo_learner_policy_lag_max", "max lag")]),
    ("Weight version", "short", [
        ("mnemo_learner_weight_version", "learner"), ("mnemo_actor_weight_version", "{{actor}}")]),
    ("Queue depth", "short", [("mnemo_learner_queue_depth", "unrolls queued")]),
    ("Unroll bytes per second", "Bps", [
        ("sum(rate(mnemo_actor_unroll_bytes_total[1m]))", "sent by actors"),
        ("sum(rate(mnemo_learner_unroll_bytes_sum[1m]))", "received by learner")]),
    ("Rejected unrolls and skipped updates", "short", [
        ("sum(increase(mnemo_learner_unrolls_rejected_total[5m]))", "rejected (5m)"),
        ("sum(increase(mnemo_learner_updates_skipped_total[5m]))", "skipped updates (5m)"),
        ("sum(increase(mnemo_actor_reconnects_total[5m]))", "actor reconnects (5m)")]),
    ("Actor inference time per step", "s", [
        ("sum by (actor) (rate(mnemo_actor_inference_seconds_sum[1m])) / sum by (actor) (rate(mnemo_actor_inference_seconds_count[1m]))", "{{actor}}")]),
    ("Learner time per step / per unroll", "s", [
        ("rate(mnemo_learner_step_seconds_sum[1m]) / rate(mnemo_learner_step_seconds_count[1m])", "training step"),
        ("rate(mnemo_learner_unroll_decode_seconds_sum[1m]) / rate(mnemo_learner_unroll_decode_seconds_count[1m])",
         "validate + decode one unroll"),
        ("rate(mnemo_learner_unroll_enqueue_seconds_sum[1m]) / rate(mnemo_learner_unroll_enqueue_seconds_count[1m])",
         "wait for queue space (backpressure)")]),
    ("Share of learner time decoding unrolls", "percentunit", [
        ("rate(mnemo_learner_unroll_decode_seconds_sum[5m]) / (rate(mnemo_learner_step_seconds_sum[5m]) + rate(mnemo_learner_unroll_decode_seconds_sum[5m]))",
         "decode share")]),
    ("gRPC server calls", "s", [
        ("sum by (method) (rate(mnemo_grpc_server_seconds_sum[1m])) / sum by (method) (rate(mnemo_grpc_server_seconds_count[1m]))",
         "{{method}}")]),
    ("JVM heap used", "bytes", [("sum by (job, instance) (jvm_memory_used_bytes{area=\"heap\"})", "{{instance}}")]),
    ("Process CPU", "percentunit", [("process_cpu_usage", "{{instance}}")]),
]


def panel(i, title, unit, targets):
    return {
        "id": i + 1,
        "type": "timeseries",
        "title": title,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i // 2) * 8},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
        "targets": [{"refId": chr(65 + k), "expr": e, "legendFormat": l} for k, (e, l) in enumerate(targets)],
    }


dashboard = {
    "title": "Mnemo training",
    "uid": "mnemo-training",
    "tags": ["mnemo", "impala"],
    "timezone": "utc",
    "schemaVersion": 39,
    "refresh": "10s",
    "time": {"from": "now-1h", "to": "now"},
    "templating": {"list": [{
        "name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"}]},
    "panels": [panel(i, *p) for i, p in enumerate(PANELS)],
}

out = pathlib.Path(__file__).with_name("grafana-dashboard.json")
out.write_text(json.dumps(dashboard, indent=2) + "\n")
print("wrote", out)

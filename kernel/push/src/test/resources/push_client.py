"""Pushes with the Python client (python3-prometheus-client), unchanged: push, pushadd or delete."""
import sys

from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram, Summary,
                               delete_from_gateway, push_to_gateway, pushadd_to_gateway)

gateway, action = sys.argv[1], sys.argv[2]
# A slash in a grouping-key value makes the client send it @base64; it quotes a space as '+'.
key = {'instance': 'host/1', 'shard': 'a b'}
registry = CollectorRegistry()
if action == 'push':
    Gauge('py_last_success_unixtime', 'Last time the batch job succeeded.', registry=registry).set(1234.5)
    Counter('py_records', 'Records processed.', ['kind'], registry=registry).labels('x').inc(3)
    Histogram('py_duration_seconds', 'Duration.', registry=registry, buckets=(0.1, 1.0)).observe(0.5)
    Summary('py_size_bytes', 'Sizes.', registry=registry).observe(512)
    push_to_gateway(gateway, job='py-batch', registry=registry, grouping_key=key)
elif action == 'pushadd':
    Gauge('py_last_success_unixtime', 'Last time the batch job succeeded.', registry=registry).set(99)
    pushadd_to_gateway(gateway, job='py-batch', registry=registry, grouping_key=key)
elif action == 'delete':
    delete_from_gateway(gateway, job='py-batch', grouping_key=key)
else:
    sys.exit('unknown action ' + action)

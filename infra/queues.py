"""The SQS queues of a stage, defined once for the CloudFormation template and for the local stack.

scoring segments: one message per scan segment of a scoring run (app.py `score_segment`, batch 1).
  Visibility timeout = 6 x the segment function's timeout (AWS's advice for Lambda event sources), so a
  slow invocation is not delivered twice while it runs; after `scoring_max_receives` deliveries the
  message moves to the dead-letter queue, whose handler counts the segment failed on its run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib.settings import Settings

SEGMENT_FUNCTION_TIMEOUT = 900  # seconds; .chalice/config.json lambda_functions.score_segment
VISIBILITY_TIMEOUT = 6 * SEGMENT_FUNCTION_TIMEOUT
RETENTION_SECONDS = 4 * 24 * 3600
DLQ_RETENTION_SECONDS = 14 * 24 * 3600


def segment_environment(stage: str = "prod") -> dict[str, str]:
    """The environment score_segment is deployed with (.chalice/config.json), without the stage's own
    settings (WH_*, POWERTOOLS_*): numpy's BLAS on one thread, and glibc's malloc keeping freed memory (a
    segment allocates the same megabytes page after page; given back to the OS each time, they come back a
    4 KiB page fault at a time). Both are read once, when the interpreter starts."""
    config = json.loads((Path(__file__).resolve().parents[1] / ".chalice" / "config.json").read_text())
    function = config["stages"][stage]["lambda_functions"]["score_segment"]
    return {
        k: v
        for k, v in {**config["environment_variables"], **function.get("environment_variables", {})}.items()
        if not k.startswith(("WH_", "POWERTOOLS_"))
    }


def dead_letter_attributes() -> dict[str, str]:
    return {"MessageRetentionPeriod": str(DLQ_RETENTION_SECONDS), "SqsManagedSseEnabled": "true"}


def segment_queue_attributes(settings: Settings, dlq_arn: Any) -> dict[str, Any]:
    """`dlq_arn` is the ARN (local stack) or a CloudFormation reference to it (template)."""
    return {
        "VisibilityTimeout": str(VISIBILITY_TIMEOUT),
        "MessageRetentionPeriod": str(RETENTION_SECONDS),
        "SqsManagedSseEnabled": "true",
        "RedrivePolicy": {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": settings.scoring_max_receives},
    }


def template_resources(settings: Settings) -> dict[str, Any]:
    """CloudFormation resources for the queues."""
    dlq: dict[str, Any] = {"QueueName": settings.scoring_dlq, **dead_letter_attributes()}
    main = {
        "QueueName": settings.scoring_queue,
        **segment_queue_attributes(settings, {"Fn::GetAtt": ["ScoringDeadLetterQueue", "Arn"]}),
    }
    for props in (dlq, main):
        for key in ("VisibilityTimeout", "MessageRetentionPeriod"):
            if key in props:
                props[key] = int(props[key])
        props["SqsManagedSseEnabled"] = True
    return {
        "ScoringDeadLetterQueue": {"Type": "AWS::SQS::Queue", "Properties": dlq},
        "ScoringSegmentQueue": {"Type": "AWS::SQS::Queue", "Properties": main},
    }


def ensure_queues(sqs: Any, settings: Settings) -> dict[str, str]:
    """Create the queues through the SQS API (local stack, tests); their URLs by name."""
    dlq_url = sqs.create_queue(QueueName=settings.scoring_dlq, Attributes=dead_letter_attributes())["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attributes = segment_queue_attributes(settings, dlq_arn)
    attributes["RedrivePolicy"] = json.dumps(attributes["RedrivePolicy"])
    url = sqs.create_queue(QueueName=settings.scoring_queue, Attributes=attributes)["QueueUrl"]
    return {settings.scoring_queue: url, settings.scoring_dlq: dlq_url}

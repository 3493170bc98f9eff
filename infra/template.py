"""The CloudFormation merge template for `chalice package`, generated from the PynamoDB models.

Tables come from chalicelib.store.registry (DEPLOYED_MODELS: every model but the local-only
outbox), the same list the local stack creates its tables from, so the two cannot drift. Usage: python -m infra.template > build/merge.json
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from chalicelib.settings import Settings
from chalicelib.settings import settings as current_settings
from chalicelib.store.exports import KEPT_DAYS
from chalicelib.store.registry import DEPLOYED_MODELS, ttl_attribute
from infra import gateway_responses, queues


def _private_bucket(name: str, **properties: Any) -> dict[str, Any]:
    """An S3 bucket that is encrypted, never public and owned by the account alone."""
    return {
        "Type": "AWS::S3::Bucket",
        "Properties": {
            "BucketName": name,
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            **properties,
        },
    }


def _logical_id(table_name: str) -> str:
    return "Table" + "".join(part.capitalize() for part in re.split(r"[-_]", table_name.split("-", 2)[-1]))


def table_resource(model: Any) -> dict[str, Any]:
    schema = model._get_schema()
    props: dict[str, Any] = {
        "TableName": model.Meta.table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": schema["attribute_definitions"],
        "KeySchema": sorted(schema["key_schema"], key=lambda k: k["KeyType"] != "HASH"),  # HASH first
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    }
    gsis = [
        {"IndexName": g["index_name"], "KeySchema": g["key_schema"], "Projection": g["projection"]}
        for g in schema["global_secondary_indexes"]
    ]
    if gsis:
        props["GlobalSecondaryIndexes"] = gsis
    ttl = ttl_attribute(model)
    if ttl:
        props["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": props,
    }


def merge_template(settings: Settings = current_settings) -> dict[str, Any]:
    resources: dict[str, Any] = {_logical_id(m.Meta.table_name): table_resource(m) for m in DEPLOYED_MODELS}
    resources["DataKey"] = {
        "Type": "AWS::KMS::Key",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "Description": f"WorkerHome {settings.stage}: wraps the data keys that seal personal data",
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AccountAdmin",
                        "Effect": "Allow",
                        "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                        "Action": "kms:*",
                        "Resource": "*",
                    }
                ],
            },
        },
    }
    resources["DataKeyAlias"] = {
        "Type": "AWS::KMS::Alias",
        "Properties": {"AliasName": settings.kms_key, "TargetKeyId": {"Ref": "DataKey"}},
    }
    resources["OpsAlerts"] = {
        "Type": "AWS::SNS::Topic",
        "Properties": {"TopicName": f"workerhome-{settings.stage}-ops-alerts", "KmsMasterKeyId": {"Ref": "DataKey"}},
    }
    resources["AttachmentsBucket"] = {
        **_private_bucket(
            settings.attachments_bucket,
            VersioningConfiguration={"Status": "Enabled"},
            # the mini-app uploads straight to S3 with a presigned POST, and shows files by presigned GET
            CorsConfiguration={
                "CorsRules": [
                    {
                        "AllowedMethods": ["POST", "GET"],
                        "AllowedOrigins": ["*"],
                        "AllowedHeaders": ["*"],
                        "MaxAge": 3600,
                    }
                ]
            },
        ),
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
    }
    # a run's digests are read by the next run of the model (nightly); older ones are never read
    resources["ScoringBucket"] = _private_bucket(
        settings.scoring_bucket,
        LifecycleConfiguration={"Rules": [{"Id": "expire-digests", "Status": "Enabled", "ExpirationInDays": 14}]},
    )
    # members' data exports: encrypted with the stage's KMS key, read only through 15-minute presigned
    # GETs, and deleted a day after they were made
    resources["ExportsBucket"] = _private_bucket(
        settings.exports_bucket,
        BucketEncryption={
            "ServerSideEncryptionConfiguration": [
                {
                    "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "DataKey"}},
                    "BucketKeyEnabled": True,
                }
            ]
        },
        LifecycleConfiguration={
            "Rules": [{"Id": "expire-exports", "Status": "Enabled", "ExpirationInDays": KEPT_DAYS}]
        },
    )
    resources.update(queues.template_resources(settings))
    resources.update(gateway_responses.resources())
    resources["ParameterNames"] = {
        "Type": "AWS::SSM::Parameter",
        "Properties": {
            "Name": f"/workerhome/{settings.stage}/parameter-names",
            "Type": "String",
            "Description": "Where the secrets live. CloudFormation cannot create SecureString parameters: "
            "`make secrets STAGE=...` writes them once after the first deploy.",
            "Value": json.dumps({"secrets": settings.secrets_param, "keyring": settings.keyring_param}),
        },
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": resources,
        "Outputs": {"DataKeyArn": {"Value": {"Fn::GetAtt": ["DataKey", "Arn"]}}},
    }


if __name__ == "__main__":
    json.dump(merge_template(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")

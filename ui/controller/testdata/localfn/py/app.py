import json


def handler(event, context):
    print("python got " + event["body"])
    return {"statusCode": 200, "body": "python: " + json.loads(event["body"])["data"]}

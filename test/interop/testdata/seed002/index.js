// Seed 002's handler as the AWS console tutorial builds it: Node.js, the AWS
// SDK for JavaScript v2 (require('aws-sdk')), callback style, the
// @connections endpoint built from the event as domainName + '/' + stage
// (the SDK adds https://). A message {"forward": ID, "message": TEXT} is
// posted to connection ID; any other message gets "YOUR ID: <id>" back.
const AWS = require('aws-sdk');

exports.handler = (event, context, callback) => {
  const connectionId = event.requestContext.connectionId;
  const apigwManagementApi = new AWS.ApiGatewayManagementApi({
    apiVersion: '2018-11-29',
    endpoint: event.requestContext.domainName + '/' + event.requestContext.stage,
  });
  let body = {};
  try {
    body = JSON.parse(event.body);
  } catch (e) {
    body = {};
  }
  let target = connectionId;
  let data = 'YOUR ID: ' + connectionId;
  if (body.forward) {
    target = body.forward;
    data = body.message;
  }
  console.log('posting to', target);
  apigwManagementApi.postToConnection({ ConnectionId: target, Data: data }, (err) => {
    if (err) {
      console.log('post failed', err.statusCode, err.code);
      callback(null, { statusCode: 500, body: 'post failed: ' + err.code });
      return;
    }
    callback(null, { statusCode: 200, body: 'sent' });
  });
};

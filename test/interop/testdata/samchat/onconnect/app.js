// onconnect/app.js of aws-samples/simple-websockets-chat-app (SDK v3).
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand } = require('@aws-sdk/lib-dynamodb');

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ apiVersion: '2012-08-10', region: process.env.AWS_REGION }));

exports.handler = async (event) => {
  const putParams = {
    TableName: process.env.TABLE_NAME,
    Item: { connectionId: event.requestContext.connectionId },
  };
  try {
    await ddb.send(new PutCommand(putParams));
  } catch (err) {
    return { statusCode: 500, body: 'Failed to connect: ' + JSON.stringify(err) };
  }
  return { statusCode: 200, body: 'Connected.' };
};

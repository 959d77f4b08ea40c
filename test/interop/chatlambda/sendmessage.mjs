// sendmessage/app.js of the chat sample (SDK v3), with the DynamoDB Scan and
// DeleteItem replaced by the in-memory table. The management client is built
// the way the sample built it before it hard-coded the execute-api host: from
// the event's domainName and stage, over https.
//
// Two deliberate differences from the sample's current code: a stale
// connection is recognised by $metadata.httpStatusCode (SDK v3 exceptions
// carry no statusCode property, so the sample's `e.statusCode === 410` never
// matches), and the stale connection's own ID is deleted (the sample deletes
// the sender's).
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { connections } from './table.mjs';

export const handler = async (event) => {
  const apigwManagementApi = new ApiGatewayManagementApiClient({
    apiVersion: '2018-11-29',
    endpoint: 'https://' + event.requestContext.domainName + '/' + event.requestContext.stage,
  });

  const postData = JSON.parse(event.body).data;

  const postCalls = [...connections].map(async (connectionId) => {
    try {
      await apigwManagementApi.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: postData }));
    } catch (e) {
      if (e.$metadata?.httpStatusCode === 410) {
        console.log(`Found stale connection, deleting ${connectionId} (${e.name}, statusCode property: ${e.statusCode})`);
        connections.delete(connectionId);
      } else {
        throw e;
      }
    }
  });

  try {
    await Promise.all(postCalls);
  } catch (e) {
    return { statusCode: 500, body: e.stack };
  }

  return { statusCode: 200, body: 'Data sent.' };
};

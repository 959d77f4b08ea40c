// Answers with the message and whether it trusts the workbench's
// certificate (NODE_EXTRA_CA_CERTS is set while the gateway serves TLS).
exports.handler = async (event) => {
  console.log('node got ' + event.body);
  console.log('dynamodb ' + (process.env.AWS_ENDPOINT_URL_DYNAMODB || 'none'));
  const ca = process.env.NODE_EXTRA_CA_CERTS ? 'ca' : 'no-ca';
  return { statusCode: 200, body: 'node: ' + event.body + ' ' + ca };
};

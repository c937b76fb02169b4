/**
 * A stand-in for an AWS SDK client of the control plane (Step Functions, EventBridge), which
 * cannot run here: it records the commands sent and answers as the service documents.
 */
export function fakeClient(answer: (command: object) => unknown = () => ({})) {
  const sent: object[] = [];
  return {
    sent,
    // `never` stands in for the SDK clients' overloaded send signatures.
    send: (async (command: object) => {
      sent.push(command);
      return answer(command);
    }) as never,
  };
}

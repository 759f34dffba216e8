// Package platform groups technical building blocks with no business knowledge that both the
// inbound ports and the outbound adapters use: the event envelope and the batch-consumer
// contract. domain/ and application/ never import it.
package platform

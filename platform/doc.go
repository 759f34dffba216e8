// Package platform groups technical building blocks with no business knowledge that both the
// inbound ports and the outbound adapters use: the event envelope and the poison headers
// (platform/envelope), the contract between batch subscribers and the consumer pipeline
// (platform/batch), the live-update hub (platform/live) and the logger Watermill writes
// through (platform/watermilllog). domain/ and application/ never import it.
package platform

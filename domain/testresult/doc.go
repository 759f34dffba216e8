// Package testresult is the test-results context: a test (questions with a category, points
// and an answer key), a user's submission of answers, and its result, scored in the background.
package testresult

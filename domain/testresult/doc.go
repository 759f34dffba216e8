// Package testresult is the test-results context: a quiz (questions with a category, points and
// an answer key), a user's submission of answers to it, and its result, scored in the
// background. The public API and the events call a quiz a test (/v1/tests, test_id); the code
// calls it a quiz so that it never reads as test code.
package testresult

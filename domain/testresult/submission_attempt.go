package testresult

// TakeAttempt numbers the new submission as its user's attempt n at q (1 for the first), when q
// admits it (Quiz.AdmitAttempt). The store calls it with the count it keeps, under a lock that
// makes the user's submissions to q take turns, so two at once cannot both be the last one
// allowed.
func (s *Submission) TakeAttempt(q *Quiz, n int) error {
	if q.id != s.quizID {
		return errOtherQuiz(s, q)
	}
	if err := q.AdmitAttempt(s.userID, n); err != nil {
		return err
	}
	s.attempt = n
	return nil
}

// AsSeenBy returns the submission as its submitter may see it, given q, its quiz: whole when q
// gives them per-question feedback (or they own q), otherwise with the result cut to the score
// (Result.ScoreOnly is then true). It shares nothing with s.
func (s *Submission) AsSeenBy(q *Quiz) *Submission {
	view := *s
	view.answers = cloneAnswers(s.answers)
	if r, ok := s.Result(); ok {
		if q.FeedbackFor(s.userID) == FeedbackScore {
			r = r.scoreOnly()
		}
		view.result = &r
	}
	return &view
}

// Package task is the task context: a user's task with a status, a priority and an optional due
// time, the rules its changes follow, the events every change emits (the audit trail and live
// updates are built from them), and which deadline reminder a task gets when (ReminderPolicy).
package task

// The site's texts in English. Same keys as texts/el.js; a test checks that none is missing.
export default {
  locale: "en-GB",
  languageName: "English",
  switchTo: "Ελληνικά",
  switchLabel: "Διαβάστε αυτή τη σελίδα στα ελληνικά",
  skip: "Skip to content",
  title: "Book an appointment",
  stepsLabel: "Booking steps",
  stepOf: (n, total) => `Step ${n} of ${total}`,
  stepNames: ["Service", "Date and time", "Your details", "Confirm"],
  loading: "Loading…",
  next: "Next",
  back: "Back",
  confirm: "Confirm",
  confirming: "Booking…",

  // Step 1
  serviceHeading: "An appointment for specialised help",
  serviceIntro: "An online meeting with a librarian on Zoom, without visiting the Library.",
  chooseService: "Service",
  chooseProvider: "With whom",
  anyProvider: "Anyone available",
  duration: (m) => `Duration: ${m} minutes`,
  providedBy: "Provided by",
  howItWorks: "How it works",
  howItWorksItems: [
    "You choose a date and time.",
    "You fill in your details and your topic.",
    "You receive a confirmation email with the details and a cancellation link.",
    "The video-call link comes in a separate email from the Library.",
  ],

  // Step 2
  dateHeading: "Choose a date and time",
  calendarHelp: "Days with free times have a frame and a dot. With the keyboard: arrow keys change the day, Page Up and Page Down change the month, Enter chooses.",
  previousMonth: "Previous month",
  nextMonth: "Next month",
  dayLabelFree: (date, n) => `${date}, ${n === 1 ? "1 free time" : `${n} free times`}`,
  dayLabelNone: (date) => `${date}, no free times`,
  today: "today",
  timesFor: (date) => `Free times, ${date}`,
  timesAnnounce: (n, date) => `${n === 1 ? "1 free time" : `${n} free times`}, ${date}`,
  slotLabel: (date, from, to) => `${date}, ${from}–${to}`,
  yourTime: (time) => `${time} your time`,
  policyNote: (notice, cutoff) =>
    `You can book up to ${enSpan(notice)} before an appointment starts, and cancel up to ${enSpan(cutoff)} before.`,
  libraryTime: (zone) => `Times are Greek time (${zone}).`,
  zoneDiffers: (zone) => `Your device is set to another time zone (${zone}): each time also shows yours.`,
  noSlotsMonth: "There are no free times this month. Try the next one.",
  noSlotsAtAll: "There are no free times in this period. Please contact the Library:",
  chooseDayFirst: "Choose a day with free times.",
  chooseTime: "Choose a day and a time to continue.",
  chosen: "You chose",
  slotTaken: "The time you chose has just been booked by someone else. Please choose another; the times below are up to date.",

  // Step 3
  detailsHeading: "Your details",
  detailsIntro: "Fields marked * are required.",
  name: "Full name",
  email: "Email",
  emailHint: "The confirmation and the video-call link are sent here.",
  phone: "Phone",
  phoneHint: "E.g. 2310 891 000 or +30 690 000 0000",
  notes: "Topic",
  notesHint: "Describe briefly the subject of your question (up to 1000 characters).",
  required: "required",
  acceptTerms: "I have read and accept the Terms and Conditions",
  acceptPrivacy: "I have read and accept the Privacy Policy",
  termsLink: "Terms and Conditions (opens in a new tab)",
  privacyLink: "Privacy Policy (opens in a new tab)",
  errorSummary: "Please correct the following to continue:",
  errors: {
    "customer.name": {
      required: "Please enter your name.",
      too_long: "Your name can be at most 100 characters long.",
      invalid: "Your name contains characters that are not allowed (invisible ones or a line break); type it again on one line.",
    },
    "customer.email": {
      required: "Please enter your email address.",
      too_long: "The email address is too long (at most 254 characters).",
      invalid: "This email address is not valid; please check it (e.g. name@example.org).",
    },
    "customer.phone": {
      required: "Please enter your phone number.",
      too_long: "The phone number needs 7 to 15 digits (+, spaces, dashes and brackets are allowed).",
      invalid: "The phone number needs 7 to 15 digits (+, spaces, dashes and brackets are allowed).",
    },
    notes: {
      required: "Please describe briefly the subject of your question.",
      too_long: "The text can be at most 1000 characters long.",
      invalid: "The text contains characters that are not allowed.",
    },
    accept_terms: { must_accept: "To book you need to accept the Terms and Conditions." },
    accept_privacy: { must_accept: "To book you need to accept the Privacy Policy." },
  },

  // Step 4
  summaryHeading: "Check and confirm",
  summaryIntro: "If everything is right, press “Confirm”. You can go back to change anything.",
  appointment: "The appointment",
  you: "Your details",
  service: "Service",
  provider: "Provider",
  start: "Start",
  end: "End",
  when: "When",
  change: "Change",

  // Done
  doneHeading: "Your appointment is booked!",
  doneMail: (email) => `We are sending a confirmation email to ${email} with the details of the appointment and a cancellation link.`,
  doneLink: "Please note: the video-call (Zoom) link will be sent to you in a separate email. At the appointed time, follow it and the librarian will admit you.",
  manageLink: "Cancel this appointment",
  heldHeading: "Check your email to confirm",
  heldMail: (email, until) => `We are sending an email to ${email}. Open the link in it and press “Confirm appointment” by ${until}; until then the time is held for you.`,
  heldLapse: "If it is not confirmed by then, the time is freed and nothing is booked. The confirmation, with the details and a cancellation link, follows once you confirm.",
  bookAnother: "Book another appointment",

  // Errors
  networkError: "The service could not be reached. Check your connection and try again; pressing again will not book twice.",
  serverError: "Something went wrong on our side. Please try again in a moment; it will not book twice.",
  tooMany: "Too many requests. Please wait a few seconds and try again.",
  powWorking: "The page is running an automatic security check; you need not do anything.",
  powReady: "The automatic security check is done.",
  powFailed: "The automatic security check did not complete. It will try again when you press “Confirm”.",
  checkFailed: "The automatic security check did not complete. Check your connection and press “Confirm” again.",
  tooLate: "This time can no longer be booked. Please choose another.",
  loadFailed: "Could not load. Please try again.",
  retry: "Try again",
  moveButton: "Move to this time",
  moving: "Moving…",
  currentTime: (when) => `Your appointment now: ${when}.`,
  moved: (when) => `Your appointment was moved to ${when}. An email with the new time is on its way; the earlier time is free again.`,
  moveTaken: "That time has just been booked by someone else; your appointment keeps its time. Please choose another; the times below are up to date.",
  moveChanged: "Your appointment changed since this page was opened (for example, it was cancelled or moved). Reload the page to see it as it is now.",
  moveTooLate: "It is too late to change the time: appointments can be changed until the cancellation deadline.",
  moveNotOffered: "That time is no longer offered. Please choose another.",
  reload: "Reload the page",
  noScript: "Booking needs JavaScript.",
};

/** Minutes as a reader says them: "2 hours", "1 hour", "30 minutes". */
function enSpan(minutes) {
  if (minutes % 60) return `${minutes} minutes`;
  const hours = minutes / 60;
  return hours === 1 ? "1 hour" : `${hours} hours`;
}

// The console's words in Italian and English. Operators pick the language;
// a person's messages are never translated or interpreted here.
export const texts = {
  it: {
    switchTo: "English", login: "Accedi", name: "Nome utente", password: "Password",
    logout: "Esci", loginFailed: "Accesso non riuscito", queue: "Coda", all: "Tutti",
    language: "Lingua", channel: "Canale", topic: "Tema", municipality: "Comune", wait: "Attesa",
    waiting: "Attende", yes: "sì", no: "no", status: "Stato", priority: "Priorità",
    statusQueued: "in coda", statusClaimed: "preso in carico", statusResolved: "risolto",
    urgent: "URGENTE", high: "alta", normal: "normale", claim: "Prendi in carico",
    release: "Rilascia", transfer: "Trasferisci a", resolve: "Chiudi", outcome: "Esito",
    handBack: "Ridai al bot", flow: "Flusso", phase: "Fase", reply: "Rispondi",
    send: "Invia", notes: "Note interne", addNote: "Aggiungi nota", tasks: "Piano d'azione",
    addTask: "Aggiungi attività", taskTitle: "Attività", due: "Scadenza", owner: "Responsabile",
    done: "fatto", open: "aperta", cancelled: "annullata", screeningFields: "Risposte raccolte",
    earlierCases: "Casi precedenti", none: "nessuno", back: "Indietro", noCases: "Nessun caso",
    pickCase: "Scegli un caso dalla coda", claimedBy: "preso da", transcript: "Conversazione",
    newUrgent: "Nuovo caso urgente", refused: "Rifiutato", person: "Persona", operatorLabel: "Operatore",
    bot: "Bot", sent: "inviato", delivered: "consegnato", read: "letto", failed: "non consegnato",
    queuedMsg: "in coda", received: "ricevuto", case: "Caso", canned: "Risposte pronte",
    reminders: "Promemoria", statistics: "Statistiche", casesTotal: "Casi",
    medianWait: "Attesa mediana", medianResolution: "Chiusura mediana", exportCsv: "Esporta CSV",
    requests: "Richieste (persone che hanno scritto)", from: "Dal", to: "Al", update: "Aggiorna",
    outcomes: { information: "informazione data", referral: "inviato a un servizio",
      service_booked: "appuntamento preso", no_reply: "nessuna risposta", not_eligible: "non idoneo",
      duplicate: "duplicato", handed_back: "ridato al bot", other: "altro" }, schedule: "Programma", cancel: "Annulla",
    reminderState: { pending: "in attesa", sent: "inviato", cancelled: "annullato", failed: "non inviato" },
    phases: { screening: "screening", assessment: "valutazione", planning: "pianificazione",
      intervention: "intervento", resolution: "chiusura" },
  },
  en: {
    switchTo: "Italiano", login: "Log in", name: "User name", password: "Password",
    logout: "Log out", loginFailed: "Login failed", queue: "Queue", all: "All",
    language: "Language", channel: "Channel", topic: "Topic", municipality: "Municipality",
    wait: "Waiting", waiting: "Awaits reply", yes: "yes", no: "no", status: "Status",
    priority: "Priority", statusQueued: "queued", statusClaimed: "claimed",
    statusResolved: "resolved", urgent: "URGENT", high: "high", normal: "normal",
    claim: "Claim", release: "Release", transfer: "Transfer to", resolve: "Resolve",
    outcome: "Outcome", handBack: "Hand back to bot", flow: "Flow", phase: "Phase",
    reply: "Reply", send: "Send", notes: "Internal notes", addNote: "Add note",
    tasks: "Action plan", addTask: "Add task", taskTitle: "Task", due: "Due", owner: "Owner",
    done: "done", open: "open", cancelled: "cancelled", screeningFields: "Collected answers",
    earlierCases: "Earlier cases", none: "none", back: "Back", noCases: "No cases",
    pickCase: "Pick a case from the queue", claimedBy: "claimed by", transcript: "Conversation",
    newUrgent: "New urgent case", refused: "Refused", person: "Person", operatorLabel: "Operator",
    bot: "Bot", sent: "sent", delivered: "delivered", read: "read", failed: "failed",
    queuedMsg: "queued", received: "received", case: "Case", canned: "Canned answers",
    reminders: "Reminders", statistics: "Statistics", casesTotal: "Cases",
    medianWait: "Median wait", medianResolution: "Median resolution", exportCsv: "Export CSV",
    requests: "Requests (people who wrote)", from: "From", to: "To", update: "Update",
    outcomes: { information: "information given", referral: "referred to a service",
      service_booked: "appointment booked", no_reply: "no reply", not_eligible: "not eligible",
      duplicate: "duplicate", handed_back: "handed back to bot", other: "other" }, schedule: "Schedule", cancel: "Cancel",
    reminderState: { pending: "pending", sent: "sent", cancelled: "cancelled", failed: "not sent" },
    phases: { screening: "screening", assessment: "assessment", planning: "planning",
      intervention: "intervention", resolution: "resolution" },
  },
};

export function pickLanguage() {
  const saved = localStorage.getItem("ponte.console.lang");
  if (saved === "it" || saved === "en") return saved;
  return (navigator.language || "it").toLowerCase().startsWith("it") ? "it" : "en";
}

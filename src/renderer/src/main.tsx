import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { z } from 'zod'
import { App } from './App'
import { ClientContext, connectClient } from './client'
import './styles.css'

// zod compiles validators with new Function unless told not to; the CSP forbids eval.
z.config({ jitless: true })
const client = connectClient()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientContext.Provider value={client}>
      <App />
    </ClientContext.Provider>
  </StrictMode>,
)

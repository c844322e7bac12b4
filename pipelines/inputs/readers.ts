// Registers the reader stage of each kind of user input (imported once by the command line).
import "../grants/register.ts";
import "../referrals/register.ts";
import "../services/register.ts";
import "../outcomes/register.ts";
import "../neighbourhoods/register.ts";
import "../decisions/register.ts";
